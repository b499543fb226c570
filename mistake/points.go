package mistake

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
)

// KnowledgePoint is one fact a mistake shows the model lacks, with the
// queries to find passages about it.
type KnowledgePoint struct {
	ItemID  string            `json:"item_id"`
	Text    string            `json:"text"` // the fact as a short statement
	Queries []knowledge.Query `json:"queries"`
	Answer  string            `json:"answer"`
	Aliases []string          `json:"aliases,omitempty"`
	// KeyTerms are the question's salient terms (capitalised names first,
	// then other content words), never the answer itself.
	KeyTerms []string `json:"key_terms,omitempty"`
	// Subject is the key term that is the item's structured subject
	// (exam.Item.Subject, "helium"), when it has one that is not part of
	// the answer: supporting passages must name it even when it is not
	// capitalised. Items with no subject field leave it empty.
	Subject string `json:"subject,omitempty"`
	// By names the extractor that made the queries: ByHeuristic or ByLLM
	// (empty when made by Points directly).
	By string `json:"by,omitempty"`
}

// Extractor names recorded in KnowledgePoint.By.
const (
	ByHeuristic = "heuristic"
	ByLLM       = "llm"
)

// Extractor turns a mistake into knowledge points.
type Extractor interface {
	Extract(ctx context.Context, m Mistake) ([]KnowledgePoint, error)
}

// ExtractAll runs ex over every mistake in order and concatenates the
// points; a point without an ItemID gets its mistake's. It stops at the
// first error (naming the item) or when ctx is done.
func ExtractAll(ctx context.Context, ex Extractor, ms []Mistake) ([]KnowledgePoint, error) {
	var out []KnowledgePoint
	for _, m := range ms {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		kps, err := ex.Extract(ctx, m)
		if err != nil {
			return out, fmt.Errorf("item %s: %w", m.Item.ID, err)
		}
		for i := range kps {
			if kps[i].ItemID == "" {
				kps[i].ItemID = m.Item.ID
			}
		}
		out = append(out, kps...)
	}
	return out, nil
}

// Claim is what evidence for a knowledge point must support: the gold
// answer of a mined item, its aliases and the key terms of its question.
// Curation checks candidate passages against it (curate.Claim).
type Claim struct {
	ItemID   string   `json:"item_id"`
	Answer   string   `json:"answer"`
	Aliases  []string `json:"aliases,omitempty"`
	KeyTerms []string `json:"key_terms,omitempty"`
	// Subject is KnowledgePoint.Subject: a key term passages must name.
	Subject string `json:"subject,omitempty"`
}

// Claim returns the claim of kp.
func (kp KnowledgePoint) Claim() Claim {
	return Claim{ItemID: kp.ItemID, Answer: kp.Answer, Aliases: kp.Aliases, KeyTerms: kp.KeyTerms, Subject: kp.Subject}
}

// Query is one search request for one knowledge point of a mistake: the
// record of a round's queries artifact.
type Query struct {
	MistakeID string `json:"mistake_id"` // the item id
	// Point states the knowledge point; Claim is what evidence for it must
	// support.
	Point string `json:"point,omitempty"`
	Claim Claim  `json:"claim"`
	// Extractor names what made the query (ByHeuristic, or the name of an
	// extractor with a Name method, such as "llm:<helper model>").
	Extractor string `json:"extractor,omitempty"`
	knowledge.Query
}

// Plan extracts the knowledge points of every mistake with ex (see
// ExtractAll) and returns one Query per query of every point, in order.
// When ex has a Name() string method, its name replaces ByLLM in the
// queries' Extractor.
func Plan(ctx context.Context, ex Extractor, ms []Mistake) ([]Query, error) {
	kps, err := ExtractAll(ctx, ex, ms)
	if err != nil {
		return nil, err
	}
	var out []Query
	for _, kp := range kps {
		by := kp.By
		if n, ok := ex.(interface{ Name() string }); ok && by == ByLLM {
			by = n.Name()
		}
		for _, q := range kp.Queries {
			out = append(out, Query{MistakeID: kp.ItemID, Point: kp.Text, Claim: kp.Claim(), Extractor: by, Query: q})
		}
	}
	return out, nil
}

// DefaultMaxTerms is the default cap on key terms per point.
const DefaultMaxTerms = 6

// PointOptions tunes the heuristic extractor. The zero value keeps up to
// DefaultMaxTerms key terms and uses 3 of them in queries.
type PointOptions struct {
	MaxTerms   int // key terms kept; default DefaultMaxTerms
	QueryTerms int // key terms put in a query; default 3
	// Sources, when non-empty, restricts every query to these sources.
	Sources []string
}

// Heuristic is the offline Extractor: Points with its options.
type Heuristic struct {
	Options PointOptions
}

var _ Extractor = Heuristic{}

// Extract returns Points(m, h.Options), marked ByHeuristic; it never
// fails.
func (h Heuristic) Extract(_ context.Context, m Mistake) ([]KnowledgePoint, error) {
	kps := Points(m, h.Options)
	for i := range kps {
		kps[i].By = ByHeuristic
	}
	return kps, nil
}

// Points extracts one knowledge point from a mistake without a model.
//
// The answer is the gold answer text (Choices[Index] for multiple choice)
// and the aliases are the item's. Key terms come from the item's Subject
// and Relation when set, then from the question: runs of capitalised words
// (joined across "of", "and", "the", "de", "la" inside a name, as in
// "Republic of the Congo") first, then the remaining content words (three
// letters or more, or numbers) that are neither stopwords nor question
// words; terms that repeat or that are part of the answer are dropped.
//
// Queries, in order and without duplicates or empty ones:
//
//	"<answer>", "<key terms> <answer>", "<key terms>"
//
// where <key terms> joins the first QueryTerms key terms. The point's Text
// is "<subject> <relation>: <answer>" for structured items, else
// "<question> <answer>".
func Points(m Mistake, opts PointOptions) []KnowledgePoint {
	if opts.MaxTerms <= 0 {
		opts.MaxTerms = DefaultMaxTerms
	}
	if opts.QueryTerms <= 0 {
		opts.QueryTerms = 3
	}
	it := m.Item
	ans := AnswerText(it)
	terms := KeyTerms(it, ans, opts.MaxTerms)
	kp := KnowledgePoint{ItemID: it.ID, Answer: ans, Aliases: it.Aliases, KeyTerms: terms}
	if sub := strings.TrimSpace(it.Subject); sub != "" && len(terms) > 0 && strings.EqualFold(terms[0], sub) {
		kp.Subject = terms[0]
	}
	if it.Subject != "" && it.Relation != "" {
		kp.Text = it.Subject + " " + it.Relation + ": " + ans
	} else {
		kp.Text = strings.TrimSpace(it.Question + " " + ans)
	}
	qt := strings.Join(terms[:min(len(terms), opts.QueryTerms)], " ")
	kp.Queries = queries(opts.Sources, ans, strings.TrimSpace(qt+" "+ans), qt)
	return []KnowledgePoint{kp}
}

// queries builds Query values from texts, skipping empty and repeated ones.
func queries(sources []string, texts ...string) []knowledge.Query {
	var out []knowledge.Query
	seen := map[string]bool{}
	for _, t := range texts {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, knowledge.Query{Text: t, Sources: sources})
	}
	return out
}

// AnswerText returns the gold answer text of it: Answer.Text, or
// Choices[Answer.Index] when the text is empty ("" when neither is set).
func AnswerText(it exam.Item) string {
	if it.Answer.Text != "" {
		return it.Answer.Text
	}
	if i := it.Answer.Index; i >= 0 && i < len(it.Choices) {
		return it.Choices[i]
	}
	return ""
}

var tokenRE = regexp.MustCompile(`[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*`)

// KeyTerms returns up to max key terms of it's question, as Points
// describes; answer is excluded.
func KeyTerms(it exam.Item, answer string, max int) []string {
	var terms []string
	seen := map[string]bool{}
	ansLow := " " + strings.Join(strings.Fields(strings.ToLower(answer)), " ") + " "
	add := func(t string) {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] || len(terms) >= max || (answer != "" && strings.Contains(ansLow, " "+k+" ")) {
			return
		}
		seen[k] = true
		terms = append(terms, t)
	}
	add(it.Subject)
	for _, w := range strings.Fields(it.Relation) {
		if !stopword(w) {
			add(w)
		}
	}
	locs := tokenRE.FindAllStringIndex(it.Question, -1)
	toks := make([]string, len(locs))
	for i, l := range locs {
		toks[i] = it.Question[l[0]:l[1]]
	}
	var content []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if capitalised(t) && !stopword(t) {
			j, end := i+1, i+1
			for j < len(toks) {
				if capitalised(toks[j]) && !stopword(toks[j]) {
					j++
					end = j
				} else if connector[strings.ToLower(toks[j])] {
					j++
				} else {
					break
				}
			}
			add(it.Question[locs[i][0]:locs[end-1][1]]) // keep "Rep. Congo" as written
			i = end - 1
			continue
		}
		if !stopword(t) && (utf8.RuneCountInString(t) >= 3 || isNumber(t)) {
			content = append(content, t)
		}
	}
	for _, t := range content {
		add(t)
	}
	return terms
}

var connector = map[string]bool{"of": true, "and": true, "the": true, "de": true, "la": true, "du": true, "del": true}

func capitalised(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(r)
}

func isNumber(t string) bool {
	return strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

func stopword(t string) bool { return stopwords[strings.ToLower(t)] }

// stopwords are English function words, question words and the verbs
// questions are built with; they are never key terms.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but nor of to in on at by for from with without
		into onto over under about above below between among through during before after as than
		is are was were be been being am do does did done has have had having will would shall should
		can could may might must this that these those it its it's he she they them their his her
		we you your our i me my what which who whom whose when where why how whatever whichever
		name named called known following following: true false not no yes also only
		there here then so such same other another some any each every all both either neither
		one ones if else very more most much many few least less best
		give gives state states say says said tell find identify select choose
		answer question word words type kind sort mean means meaning refer refers term
		usually often generally commonly typically`) {
		m[w] = true
	}
	return m
}()
