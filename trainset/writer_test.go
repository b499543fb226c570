package trainset

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/model"
)

type scripted struct {
	reply string
	err   error
}

func (s scripted) Generate(_ context.Context, reqs []model.GenerateRequest) ([]string, error) {
	if s.err != nil {
		return nil, s.err
	}
	return []string{s.reply}, nil
}

func TestLLMWriter(t *testing.T) {
	e := ev("wordnet:chad", "wordnet", "Chad: a landlocked republic in north central Africa; capital N'Djamena", chadItem)
	reply := "Q: Which city on the Chari river governs the landlocked republic in north central Africa?\n" +
		"1. Is N'Djamena the capital of Chad?\n" +
		"- Question 2: Which city is the seat of Chad's government?\n" +
		"Q: Which city is the seat of Chad's government?\n" +
		"Q: Why?\n" +
		"Question: Where does the president of Chad work?\n"
	qas, err := LLMWriter{Model: scripted{reply: reply}, Max: 3}.Write(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, qa := range qas {
		got = append(got, qa.Question)
		if qa.Answer != "N'Djamena" {
			t.Errorf("answer = %q; want the gold answer", qa.Answer)
		}
	}
	want := []string{
		"Which city on the Chari river governs the landlocked republic in north central Africa?",
		"Which city is the seat of Chad's government?",
		"Where does the president of Chad work?",
	}
	if !slices.Equal(got, want) {
		t.Errorf("questions = %q; want %q", got, want)
	}
	_, err = LLMWriter{Model: scripted{err: errors.New("down")}}.Write(context.Background(), e)
	if err == nil || !strings.Contains(err.Error(), "wordnet:chad") {
		t.Errorf("error = %v; want one naming the passage", err)
	}
}

func TestWriterTemplate(t *testing.T) {
	if err := CheckWriterTemplate(DefaultWriterTemplate); err != nil {
		t.Errorf("built-in template (prompts/write.tmpl): %v", err)
	}
	for _, bad := range []string{"", "Passage: {{.Passage}}\nWrite questions.", "Answer: {{.Answer}}", "{{.Passage}} {{.Answer}} {{.Title}}"} {
		if CheckWriterTemplate(bad) == nil {
			t.Errorf("CheckWriterTemplate(%q) = nil; want an error", bad)
		}
	}
	e := ev("wordnet:chad", "wordnet", "Chad: a landlocked republic in north central Africa; capital N'Djamena", chadItem)
	qas, err := LLMWriter{Model: scripted{reply: "Q: Which city is the seat of Chad's government?"}}.Write(context.Background(), e)
	if err != nil || len(qas) != 1 || qas[0].By != WriterLLM {
		t.Errorf("LLMWriter = %+v, %v; want one question by %q", qas, err, WriterLLM)
	}
}
