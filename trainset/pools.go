package trainset

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/model"
)

// pools generates the candidate examples of every kind and their
// provenance (by example id).
func (b Builder) pools(ctx context.Context, in Inputs, seed int64) (map[string][]model.Example, map[string]Provenance, error) {
	pools := map[string][]model.Example{}
	prov := map[string]Provenance{}
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
	for _, ev := range in.Evidence {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		p := ev.Passage
		add(model.Example{ID: "cpt:" + p.ID, Kind: KindCPT, Text: passageText(p.Title, p.Text), Origin: p.ID}, ev.Item.ID, p.Source, "")
		qas := TemplateQuestions(ev)
		for i := range qas {
			qas[i].By = cmp.Or(qas[i].By, WriterTemplate)
		}
		if qa, ok := Cloze(ev); ok {
			qa.By = cmp.Or(qa.By, WriterCloze)
			qas = append(qas, qa)
		}
		ext := 0 // index of the extractive example's question
		if b.Writer != nil {
			more, err := b.Writer.Write(ctx, ev)
			if err != nil {
				return nil, nil, fmt.Errorf("write questions for passage %s (item %s): %w", p.ID, ev.Item.ID, err)
			}
			if len(more) > 0 && more[0].By != "" {
				ext = len(qas) // a writer naming itself (LLMWriter) also writes the extractive example
			}
			for i := range more {
				more[i].By = cmp.Or(more[i].By, WriterOther)
			}
			qas = append(qas, more...)
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
		add(model.Example{ID: id, Kind: KindReview, Prompt: e.Prompt, Text: e.Text, Weight: e.Weight, Origin: origin}, "", "", "")
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
	return pools, prov, nil
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
