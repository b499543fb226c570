package exam

import (
	"errors"
	"fmt"
	"io"
)

// Result is the graded answer to one item. Its JSON Lines form is the
// results file of the exam stage.
type Result struct {
	ID         string `json:"id"`
	Prediction string `json:"prediction"` // the chosen choice's text or the cleaned generation
	// PredIndex is the chosen choice, or -1 for open items and for letter
	// answers no choice could be read from.
	PredIndex int  `json:"pred_index"`
	Correct   bool `json:"correct"`
	// Scores holds one score per choice (per Scoring: mean or sum
	// log-prob, or PMI); for open items the mean log-prob of the answer given;
	// nil in letter mode.
	Scores []float64 `json:"scores,omitempty"`
	// Confidence is the softmax probability of the chosen choice over the
	// choice scores (multiple choice) or exp of the answer's mean token
	// log-prob (open items); 0 when the mode gives no scores.
	Confidence float64 `json:"confidence"`
	// Margin is the chosen choice's probability minus the runner-up's.
	Margin float64 `json:"margin"`
	// Mode is how the item was answered: AnsweredLikelihood,
	// AnsweredLetterLogprobs, AnsweredLetterGenerated, AnsweredOpen or
	// AnsweredFailed.
	Mode string `json:"mode,omitempty"`
	// Error is why the model failed on the item (Mode AnsweredFailed).
	Error string `json:"error,omitempty"`
	// Scoring names how Scores were computed for a likelihood-mode
	// multiple-choice item (mean, sum or pmi; see Scoring); empty for
	// other items and for results written before it was recorded (mean).
	Scoring string `json:"scoring,omitempty"`
	// ChoiceLogProbs and ChoiceTokens are the raw scores of each choice
	// after the question's prompt (total log-prob and token count), and
	// NeutralLogProbs (ScoringPMI only) each choice's total log-prob
	// after NeutralPrompt: what Rescore needs to grade the result under
	// another scoring.
	ChoiceLogProbs  []float64 `json:"choice_logprobs,omitempty"`
	ChoiceTokens    []int     `json:"choice_tokens,omitempty"`
	NeutralLogProbs []float64 `json:"neutral_logprobs,omitempty"`
	// Weight and Topic are copied from the item for reports.
	Weight float64 `json:"weight,omitempty"`
	Topic  string  `json:"topic,omitempty"`
}

// EffectiveWeight returns Weight, or 1 when Weight is 0.
func (r *Result) EffectiveWeight() float64 {
	if r.Weight == 0 {
		return 1
	}
	return r.Weight
}

// validate checks a decoded result.
func (r *Result) validate() error {
	if r.ID == "" {
		return errors.New("result has no id")
	}
	if r.Confidence < 0 || r.Confidence > 1 {
		return fmt.Errorf("result %s: confidence %g outside [0,1]", r.ID, r.Confidence)
	}
	if r.Weight < 0 {
		return fmt.Errorf("result %s: negative weight %g", r.ID, r.Weight)
	}
	return nil
}

// ReadResults reads a results file written by WriteResults; errors name
// the file and line.
func ReadResults(path string) ([]Result, error) {
	return readJSONL(path, (*Result).validate)
}

// DecodeResults reads results from r; name is used in errors.
func DecodeResults(r io.Reader, name string) ([]Result, error) {
	return decodeJSONL(r, name, (*Result).validate)
}

// WriteResults writes results as JSON Lines to path atomically.
func WriteResults(path string, results []Result) error {
	return writeJSONL(path, results)
}

// Accuracy returns the fraction of correct results (0 for none).
func Accuracy(results []Result) float64 {
	if len(results) == 0 {
		return 0
	}
	n := 0
	for i := range results {
		if results[i].Correct {
			n++
		}
	}
	return float64(n) / float64(len(results))
}

// WeightedAccuracy returns the weight of correct results over the total
// weight, each result weighing EffectiveWeight (0 for none).
func WeightedAccuracy(results []Result) float64 {
	var got, total float64
	for i := range results {
		w := results[i].EffectiveWeight()
		total += w
		if results[i].Correct {
			got += w
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// AccuracyByTopic returns the unweighted accuracy of each topic.
func AccuracyByTopic(results []Result) map[string]float64 {
	groups := map[string][]Result{}
	for _, r := range results {
		groups[r.Topic] = append(groups[r.Topic], r)
	}
	out := make(map[string]float64, len(groups))
	for t, rs := range groups {
		out[t] = Accuracy(rs)
	}
	return out
}
