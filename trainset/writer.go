package trainset

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/prompttmpl"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
)

// DefaultWriterTemplate is LLMWriter's prompt, the file
// prompts/write.tmpl (users copy it to override it): a text/template over
// WriterFields.
var DefaultWriterTemplate = writeTemplate

//go:embed prompts/write.tmpl
var writeTemplate string

// WriterFields are the fields of the question-writing template:
// {{.Passage}}, {{.Answer}}, {{.Topic}} and {{.Max}}.
type WriterFields struct {
	Passage, Answer, Topic string
	Max                    int
}

// CheckWriterTemplate reports a template that cannot work: an empty one,
// one that does not parse or names a field WriterFields lacks, or one
// without {{.Passage}} or {{.Answer}}.
func CheckWriterTemplate(tpl string) error {
	_, err := parseWriterTemplate(tpl)
	return err
}

func parseWriterTemplate(tpl string) (*prompttmpl.Template, error) {
	return prompttmpl.Parse("write.tmpl", tpl, WriterFields{}, "Passage", "Answer")
}

// LLMWriter is a QuestionWriter that asks a model for questions about a
// passage whose answer is the evidence's gold answer. Every reply line
// that (after an optional "Q:", bullet or number) has 3 to 40 words is a
// question, unless it names the answer or an alias (which would give the
// answer away) or repeats an earlier one; at most Max are kept. The
// answer of every QA is the gold answer: the model writes questions only.
type LLMWriter struct {
	Model     mistake.Generator
	Template  string // default DefaultWriterTemplate
	Max       int    // questions per passage; default 3
	MaxTokens int    // reply cap; default 160
	Seed      int64
}

var _ QuestionWriter = LLMWriter{}

// lineLead matches what may precede a question on a reply line: spaces,
// bullets, numbering and a "Q:" label.
var lineLead = regexp.MustCompile(`^\s*(?:[-*•]+|\d+[.)])?\s*(?:[Qq](?:uestion)?\s*\d*\s*:)?\s*`)

// Write asks the model once (greedy, seeded). It fails only when the
// model fails; the error names the passage.
func (w LLMWriter) Write(ctx context.Context, ev Evidence) ([]QA, error) {
	maxQ, maxTok := w.Max, w.MaxTokens
	if maxQ <= 0 {
		maxQ = 3
	}
	if maxTok <= 0 {
		maxTok = 160
	}
	tpl := cmp.Or(w.Template, DefaultWriterTemplate)
	topic := cmp.Or(ev.Item.Topic, ev.Item.Relation)
	t, err := parseWriterTemplate(tpl)
	if err != nil {
		return nil, fmt.Errorf("write questions for passage %s: %w", ev.Passage.ID, err)
	}
	lines, err := generateLines(ctx, w.Model, t, WriterFields{Passage: passageText(ev.Passage.Title, ev.Passage.Text),
		Answer: ev.Answer, Topic: topic, Max: maxQ}, maxTok, w.Seed)
	if err != nil {
		return nil, fmt.Errorf("write questions for passage %s: %w", ev.Passage.ID, err)
	}
	answers := answerWords(ev)
	var qas []QA
	seen := map[string]bool{}
	for _, q := range lines {
		n := len(strings.Fields(q))
		k := curate.Normalize(q)
		if n < 3 || n > 40 || seen[k] || hasAny(strings.Fields(q), answers) {
			continue
		}
		seen[k] = true
		qas = append(qas, QA{Question: q, Answer: ev.Answer, By: WriterLLM})
		if len(qas) == maxQ {
			break
		}
	}
	return qas, nil
}

// generateLines fills t with fields, asks gen once (greedy, seeded, at
// most maxTok tokens) and returns the reply's lines, each stripped of
// bullets, numbering and a "Q:" label, empty ones left out.
func generateLines(ctx context.Context, gen mistake.Generator, t *prompttmpl.Template, fields any, maxTok int, seed int64) ([]string, error) {
	prompt, err := t.Execute(fields)
	if err != nil {
		return nil, err
	}
	out, err := gen.Generate(ctx, []model.GenerateRequest{{Prompt: prompt, MaxTokens: maxTok, Seed: seed}})
	if err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("model returned %d replies, want 1", len(out))
	}
	var lines []string
	for _, line := range strings.Split(out[0], "\n") {
		if l := strings.TrimSpace(lineLead.ReplaceAllString(line, "")); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}
