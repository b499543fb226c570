package openai

import (
	"math"
	"testing"
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
