package trainset

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/model"
)

// pools generates the candidate examples of every kind and their
// provenance (by example id).
//
// Augmentation statements that overlap an exam item are dropped before
// the documents are made; they are returned as dropped. Evidence whose
// passage does not state its answer (StatesAnswer) gets no normative or
// extractive example; ungrounded counts it.
func (b Builder) pools(ctx context.Context, in Inputs, seed int64) (pools map[string][]model.Example, prov map[string]Provenance, dropped []Dropped, ungrounded int, err error) {
	pools = map[string][]model.Example{}
	prov = map[string]Provenance{}
	// add records e (the first example with an id wins) and where it came
	// from: the mined item, the passage's source and the question writer.
	add := func(e model.Example, item, source, writer string) {
		if _, dup := prov[e.ID]; dup {
			return
		}
		pools[e.Kind] = append(pools[e.Kind], e)
		prov[e.ID] = Provenance{ID: e.ID, Kind: e.Kind, Origin: e.Origin, Item: item, Source: source, Writer: writer}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xc401ce))
	restated := map[string]bool{} // passages already augmented
	for _, ev := range in.Evidence {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, 0, err
		}
		p := ev.Passage
		add(model.Example{ID: "cpt:" + p.ID, Kind: KindCPT, Text: passageText(p.Title, p.Text), Origin: p.ID}, ev.Item.ID, p.Source, "")
		more, aerr := b.augment(ctx, ev, seed, !restated[p.ID], &dropped)
		restated[p.ID] = true
		if err = aerr; err != nil {
			return nil, nil, nil, 0, err
		}
		for _, a := range more {
			add(a.Example, ev.Item.ID, p.Source, a.writer)
		}
		if !StatesAnswer(ev) { // nothing here grounds an answer-bearing example
			ungrounded++
			continue
		}
		qas, ext, qerr := b.questions(ctx, ev)
		if err = qerr; err != nil {
			return nil, nil, nil, 0, err
		}
		base := p.ID + "/" + ev.Item.ID
		for i, qa := range qas {
			add(model.Example{
				ID: fmt.Sprintf("normative:%s:%d", base, i), Kind: KindNormative,
				Prompt: b.format(ev.Item, qa, rng), Text: exam.Continuation(qa.Answer), Origin: p.ID,
			}, ev.Item.ID, p.Source, qa.By)
		}
		if len(qas) > 0 {
			add(model.Example{
				ID: "extractive:" + base, Kind: KindExtractive,
				Prompt: ExtractivePrompt(passageText(p.Title, p.Text), qas[ext].Question), Text: exam.Continuation(qas[ext].Answer), Origin: p.ID,
			}, ev.Item.ID, p.Source, qas[ext].By)
		}
	}
	for _, e := range in.Previous {
		origin := e.Origin
		if origin == "" {
			origin = e.ID
		}
		id := e.ID
		if !strings.HasPrefix(id, KindReview+":") {
			id = KindReview + ":" + id
		}
		// A review example trains at the review kind's weight (Mix.Weights),
		// not at the weight it had in its round, so weights never compound.
		add(model.Example{ID: id, Kind: KindReview, Prompt: e.Prompt, Text: e.Text, Origin: origin}, "", "", "")
	}
	for _, e := range in.General {
		origin := e.Origin
		if origin == "" {
			origin = e.ID
		}
		add(model.Example{ID: KindGeneral + ":" + e.ID, Kind: KindGeneral, Prompt: e.Prompt, Text: e.Text, Weight: e.Weight, Origin: origin}, "", "", "")
	}
	for _, p := range in.Replay {
		add(model.Example{ID: KindReplay + ":" + p.ID, Kind: KindReplay, Text: passageText(p.Title, p.Text), Origin: p.ID}, "", p.Source, "")
	}
	return pools, prov, dropped, ungrounded, nil
}

// questions writes the normative questions about ev: the item's own
// subject/relation templates (when it has those fields), its question
// restated (RestateQuestion), questions from the passage in place of
// the templates when it has no such fields (PassageQuestions) and the
// Writer's. ext is the index of the question
// the extractive example asks: the Writer's first when the Writer names
// itself in QA.By (as LLMWriter does), else the restated question, else
// the first.
func (b Builder) questions(ctx context.Context, ev Evidence) (qas []QA, ext int, err error) {
	for _, qa := range TemplateQuestions(ev) {
		qas = append(qas, QA{Question: qa.Question, Answer: qa.Answer, By: cmp.Or(qa.By, WriterTemplate)})
	}
	if q, ok := RestateQuestion(ev.Item.Question); ok {
		ext = len(qas)
		qas = append(qas, QA{Question: q, Answer: ev.Answer, By: WriterRestate})
	}
	if len(qas) == 0 || qas[0].By != WriterTemplate { // no subject/relation fields: the passage asks the fact
		for _, qa := range PassageQuestions(ev) {
			if !slices.ContainsFunc(qas, func(o QA) bool { return o.Question == qa.Question }) {
				qas = append(qas, QA{Question: qa.Question, Answer: qa.Answer, By: cmp.Or(qa.By, WriterPassage)})
			}
		}
	}
	if b.Writer != nil {
		more, err := b.Writer.Write(ctx, ev)
		if err != nil {
			return nil, 0, fmt.Errorf("write questions for passage %s (item %s): %w", ev.Passage.ID, ev.Item.ID, err)
		}
		if len(more) > 0 && more[0].By != "" {
			ext = len(qas)
		}
		for i := range more {
			more[i].By = cmp.Or(more[i].By, WriterOther)
		}
		qas = append(qas, more...)
	}
	return qas, ext, nil
}

// augmented is an augment example with the writer of its text.
type augmented struct {
	model.Example
	writer string
}

// augment makes ev's passage's augment examples: Augment's documents
// (when first, the passage's first evidence: their ids are
// "augment:<passage id>:<form>"), their
// statements decontaminated one by one, and the Paraphraser's
// restatements ("augment:<passage id>/<item id>:llm-<n>"), each
// decontaminated in Build with the other kinds.
func (b Builder) augment(ctx context.Context, ev Evidence, seed int64, first bool, dropped *[]Dropped) ([]augmented, error) {
	p := ev.Passage
	var out []augmented
	if first {
		docs, _ := Augment(p, seed, b.keep(p.ID, ev.Item.ID, dropped))
		for _, d := range docs {
			out = append(out, augmented{model.Example{ID: "augment:" + p.ID + ":" + d.Form, Kind: KindAugment, Text: d.Text, Origin: p.ID}, WriterRestate})
		}
	}
	if b.Paraphraser == nil {
		return out, nil
	}
	lines, err := b.Paraphraser.Paraphrase(ctx, ev)
	if err != nil {
		return nil, fmt.Errorf("paraphrase passage %s (item %s): %w", p.ID, ev.Item.ID, err)
	}
	for i, l := range lines {
		out = append(out, augmented{model.Example{ID: fmt.Sprintf("augment:%s/%s:%s-%d", p.ID, ev.Item.ID, FormLLM, i), Kind: KindAugment,
			Text: l, Origin: p.ID}, WriterLLM})
	}
	return out, nil
}

// keep returns Augment's statement filter: without a Decontam it keeps
// all; with one it drops (recording in dropped) each statement that
// overlaps an exam item.
func (b Builder) keep(passage, item string, dropped *[]Dropped) func(string) bool {
	if b.Decontam == nil {
		return nil
	}
	return func(s string) bool {
		id, hit := b.Decontam.Match(s)
		if hit {
			*dropped = append(*dropped, Dropped{ID: fmt.Sprintf("augment:%s:statement-%d", passage, len(*dropped)), Kind: KindAugment,
				Origin: passage, Item: item, Overlaps: id, Text: s})
		}
		return !hit
	}
}

// format renders a generated question as the exam would show it: a copy
// of the mined item with the new question and, for multiple choice, the
// item's choices in a seeded random order.
func (b Builder) format(it exam.Item, qa QA, rng *rand.Rand) string {
	format := b.Format
	if format == nil {
		format = exam.Prompt
	}
	g := exam.Item{ID: it.ID + "~gen", Question: qa.Question, Topic: it.Topic, Answer: exam.Answer{Index: -1, Text: qa.Answer}}
	if len(it.Choices) > 0 {
		g.Choices = append([]string(nil), it.Choices...)
		rng.Shuffle(len(g.Choices), func(i, j int) { g.Choices[i], g.Choices[j] = g.Choices[j], g.Choices[i] })
		for i, c := range g.Choices {
			if c == qa.Answer {
				g.Answer.Index = i
			}
		}
		if g.Answer.Index < 0 { // the answer is an alias: show it as a choice
			g.Choices[0], g.Answer.Index = qa.Answer, 0
		}
	}
	return format(&g)
}

// passageText is the CPT form of a passage: "Title: text" unless the text
// already names the title.
func passageText(title, text string) string {
	if title == "" || strings.Contains(text, title) {
		return text
	}
	return title + ": " + text
}

// ExtractivePrompt is the prompt of an extractive example: an
// instruction, the passage, and the question in the exam's schema.
func ExtractivePrompt(passage, question string) string {
	return "Read the passage and answer the question.\n\nPassage: " + passage + "\n\n" +
		exam.Prompt(&exam.Item{Question: question})
}

// StatesAnswer reports whether ev's passage (title or text) states its
// answer or one of its aliases, compared as normalised words. Only such
// evidence grounds answer-bearing examples: a passage that does not say
// the answer teaches nothing about it, so questions answered from the
// exam's answer key alone are never written (random-evidence baselines
// get none for their random passages).
func StatesAnswer(ev Evidence) bool {
	return hasAny(strings.Fields(ev.Passage.Title+" "+ev.Passage.Text), answerWords(ev))
}
