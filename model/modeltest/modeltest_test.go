package modeltest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
)

func TestTokenizeSpellsText(t *testing.T) {
	for _, text := range []string{"", "Capital of Chad: N'Djaména.", "  two  spaces\nnew line"} {
		toks, offs := modeltest.Tokenize(text)
		if strings.Join(toks, "") != text {
			t.Errorf("Tokenize(%q) = %q; want tokens that spell the text", text, toks)
		}
		at := 0
		for i, tok := range toks {
			if offs[i] != at {
				t.Errorf("Tokenize(%q) offset %d = %d; want %d", text, i, offs[i], at)
			}
			at += len(tok)
		}
	}
}

func TestScripted(t *testing.T) {
	req := model.ScoreRequest{Prompt: "Q", Continuation: " A"}
	s := &modeltest.Scripted{
		Scores:  map[model.ScoreRequest]float64{req: -1.5},
		Replies: map[string]string{"hi": "hello"},
	}
	ctx := context.Background()
	got, err := s.Score(ctx, []model.ScoreRequest{req})
	if err != nil || got[0] != (model.Score{LogProb: -1.5, Tokens: 1}) {
		t.Errorf("Score = %+v, %v; want -1.5 over 1 token", got, err)
	}
	if _, err := s.Score(ctx, []model.ScoreRequest{{Prompt: "other"}}); err == nil {
		t.Error("Score of an unscripted request succeeded; want an error")
	}
	gen, err := s.Generate(ctx, []model.GenerateRequest{{Prompt: "hi"}})
	if err != nil || gen[0] != "hello" {
		t.Errorf("Generate = %q, %v; want hello", gen, err)
	}
	if n := len(s.ScoreCalls()); n != 2 {
		t.Errorf("ScoreCalls = %d; want 2", n)
	}
	boom := errors.New("boom")
	s.Err = boom
	if _, err := s.Generate(ctx, []model.GenerateRequest{{Prompt: "hi"}}); !errors.Is(err, boom) {
		t.Errorf("Generate with Err set = %v; want boom", err)
	}
}
