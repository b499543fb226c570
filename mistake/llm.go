package mistake

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/cemlab/cem/internal/prompttmpl"
	"github.com/cemlab/cem/model"
)

// Generator is what LLM needs of a model; model.Model satisfies it.
type Generator interface {
	Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error)
}

var _ Generator = model.Model(nil)

// DefaultTemplate is the prompt LLM sends, the file prompts/extract.tmpl
// (users copy it to override it): a text/template over PromptFields.
//
//go:embed prompts/extract.tmpl
var DefaultTemplate string

// PromptFields are the fields of the extraction template: {{.Question}},
// {{.Choices}} (comma-separated, or "none"), {{.Answer}}, {{.Topic}} and
// {{.Max}} (the number of queries wanted).
type PromptFields struct {
	Question, Choices, Answer, Topic string
	Max                              int
}

// CheckTemplate reports a template that cannot work: an empty one, one
// that does not parse or names a field PromptFields lacks, or one
// without {{.Question}} (the model would not see the mistake).
func CheckTemplate(tpl string) error { return extractSpec.Check(tpl) }

var extractSpec = prompttmpl.Spec[PromptFields]{Name: "extract.tmpl", Required: []string{"Question"}}

// LLM is an Extractor that asks a model for search queries. The point's
// answer, aliases, key terms and text come from Points (the heuristic);
// the model's lines replace the heuristic queries. Each non-empty line of
// the reply, stripped of bullets, numbering and quotes, is a query when it
// has 1 to 12 words; at most MaxQueries are kept, repeats dropped. When
// the reply holds no usable line the heuristic queries are kept, so a
// weak model never leaves a mistake without queries.
type LLM struct {
	Model    Generator
	Template string // default DefaultTemplate
	// MaxQueries caps the queries kept (default 5); MaxTokens caps the
	// reply (default 96).
	MaxQueries int
	MaxTokens  int
	Seed       int64
	Options    PointOptions // for the heuristic parts
}

var _ Extractor = LLM{}

// Extract asks the model once (greedy, seeded) and parses its reply. It
// fails only when the model call fails; the error names the item.
func (l LLM) Extract(ctx context.Context, m Mistake) ([]KnowledgePoint, error) {
	maxQ := l.MaxQueries
	if maxQ <= 0 {
		maxQ = 5
	}
	maxTok := l.MaxTokens
	if maxTok <= 0 {
		maxTok = 96
	}
	kps := Points(m, l.Options)
	prompt, err := l.Prompt(m, maxQ)
	if err != nil {
		return nil, fmt.Errorf("extract knowledge points of item %s: %w", m.Item.ID, err)
	}
	req := model.GenerateRequest{Prompt: prompt, MaxTokens: maxTok, Seed: l.Seed}
	out, err := l.Model.Generate(ctx, []model.GenerateRequest{req})
	if err != nil {
		return nil, fmt.Errorf("extract knowledge points of item %s: %w", m.Item.ID, err)
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("extract knowledge points of item %s: model returned %d replies, want 1", m.Item.ID, len(out))
	}
	for i := range kps {
		kps[i].By = ByHeuristic
	}
	if lines := ParseQueries(out[0], maxQ); len(lines) > 0 {
		kps[0].Queries = queries(l.Options.Sources, lines...)
		kps[0].By = ByLLM
	}
	return kps, nil
}

// Prompt fills the template for m; it fails on a template CheckTemplate
// rejects.
func (l LLM) Prompt(m Mistake, maxQueries int) (string, error) {
	tpl := l.Template
	if tpl == "" {
		tpl = DefaultTemplate
	}
	t, err := extractSpec.Parse(tpl)
	if err != nil {
		return "", err
	}
	choices := "none"
	if len(m.Item.Choices) > 0 {
		choices = strings.Join(m.Item.Choices, ", ")
	}
	topic := m.Item.Topic
	if topic == "" {
		topic = "general"
	}
	return t.Execute(PromptFields{Question: m.Item.Question, Answer: AnswerText(m.Item),
		Choices: choices, Topic: topic, Max: maxQueries})
}

var bulletRE = regexp.MustCompile(`^\s*(?:[-*•]+|\d+[.)]|query\s*\d*\s*:)\s*`)

// ParseQueries extracts up to max query lines from a model reply: each
// line is stripped of bullets ("-", "*", "1.", "2)", "Query 1:") and
// surrounding quotes; lines that are then empty or longer than 12 words
// are skipped, as are repeats (case-insensitive).
func ParseQueries(reply string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(reply, "\n") {
		line = bulletRE.ReplaceAllString(strings.TrimSpace(line), "")
		line = strings.TrimSpace(strings.Trim(line, "\"'`“”"))
		n := len(strings.Fields(line))
		if n == 0 || n > 12 || seen[strings.ToLower(line)] {
			continue
		}
		seen[strings.ToLower(line)] = true
		out = append(out, line)
		if len(out) == max {
			break
		}
	}
	return out
}
