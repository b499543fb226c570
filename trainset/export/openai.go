package export

import (
	"fmt"

	"github.com/cemlab/cem/model"
)

// CPTUserTurn is the user message before a text example's assistant
// message in the OpenAI format (the API needs a user turn; it is never
// trained).
const CPTUserTurn = "Continue the text."

// openAI writes train.jsonl and job.json (the fine-tuning job request).
func (w *writer) openAI(examples []model.Example, o Options) error {
	one := 1
	if err := w.jsonl("train.jsonl", examples, func(e model.Example) any {
		msgs := chat(e)
		if isText(e) {
			msgs[0].Content = CPTUserTurn
		}
		msgs[1].Weight = &one
		return map[string]any{"messages": msgs}
	}); err != nil {
		return err
	}
	job := map[string]any{
		"model":         o.BaseModel,
		"training_file": "FILE_ID (upload train.jsonl with purpose fine-tune)",
		"suffix":        fmt.Sprintf("cem-round-%d", o.Round),
		"seed":          o.Seed,
		"method": map[string]any{"type": "supervised", "supervised": map[string]any{
			"hyperparameters": map[string]any{"n_epochs": max(1, int(o.Epochs+0.5))},
		}},
	}
	if err := w.json("job.json", job); err != nil {
		return err
	}
	w.res.Config = w.path("job.json")
	return nil
}
