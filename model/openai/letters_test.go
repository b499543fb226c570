package openai

import (
	"errors"
	"math"
	"testing"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
)

// TestParseTopLetters reads both logprobs forms and maps tokens to letters.
func TestParseTopLetters(t *testing.T) {
	ninf := math.Inf(-1)
	for _, tt := range []struct {
		name, raw string
		want      []float64 // nil: no letter found
	}{
		{"legacy", `{"tokens":[" B"],"token_logprobs":[-0.5],"top_logprobs":[{" B":-0.5," A":-1.5,"C":-3}]}`, []float64{-1.5, -0.5, -3}},
		{"chat", `{"content":[{"token":"B","logprob":-0.2,"top_logprobs":[{"token":"B","logprob":-0.2},{"token":"(A)","logprob":-2}]}]}`, []float64{-2, -0.2, ninf}},
		{"chosen token only", `{"content":[{"token":" C.","logprob":-0.1,"top_logprobs":[]}]}`, []float64{ninf, ninf, -0.1}},
		{"no letter", `{"top_logprobs":[{" The":-0.1}]}`, nil},
		{"null", `null`, nil},
		{"empty", ``, nil},
	} {
		got := lettersFrom(parseTop(tt.raw), []string{"A", "B", "C"})
		if (got == nil) != (tt.want == nil) || len(got) != len(tt.want) {
			t.Errorf("%s: %v; want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: letter %d = %v; want %v", tt.name, i, got[i], tt.want[i])
			}
		}
	}
	// Two tokens for one letter add up.
	got := lettersFrom(map[string]float64{"A": math.Log(0.25), " A": math.Log(0.25)}, []string{"A"})
	if math.Abs(got[0]-math.Log(0.5)) > 1e-12 {
		t.Errorf("A + \" A\" = %v; want log 0.5", got[0])
	}
}

// TestScoreLettersRefused: a server that refuses logprobs gets
// ErrNoLogprobs, once asked, never again.
func TestScoreLettersRefused(t *testing.T) {
	srv := modeltest.NewServer(t, nil, modeltest.Faults{Logprobs: modeltest.LogprobsRejected})
	m, err := New(Config{BaseURL: srv.BaseURL(), Model: "toy", GenerateMode: GenerateCompletions, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	req := []model.LetterRequest{{Prompt: "Question: Which?\nA. x\nB. y\nAnswer:", Letters: []string{"A", "B"}}}
	for range 2 {
		if _, err := m.ScoreLetters(t.Context(), req); !errors.Is(err, model.ErrNoLogprobs) {
			t.Fatalf("ScoreLetters on a server refusing logprobs: %v; want ErrNoLogprobs", err)
		}
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests; want 1 (the refusal is remembered)", n)
	}
}
