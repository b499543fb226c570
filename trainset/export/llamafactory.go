package export

import (
	"strconv"
	"strings"

	"github.com/cemlab/cem/model"
)

type lfDataset struct {
	FileName   string            `json:"file_name"`
	Formatting string            `json:"formatting,omitempty"`
	Columns    map[string]string `json:"columns"`
}

type lfConfig struct {
	ModelNameOrPath string  `yaml:"model_name_or_path"`
	Stage           string  `yaml:"stage"`
	DoTrain         bool    `yaml:"do_train"`
	FinetuningType  string  `yaml:"finetuning_type"`
	DatasetDir      string  `yaml:"dataset_dir"`
	Dataset         string  `yaml:"dataset"`
	Template        string  `yaml:"template"`
	CutoffLen       int     `yaml:"cutoff_len"`
	MixStrategy     string  `yaml:"mix_strategy"`
	InterleaveProbs string  `yaml:"interleave_probs,omitempty"`
	TrainOnPrompt   bool    `yaml:"train_on_prompt"`
	OutputDir       string  `yaml:"output_dir"`
	NumTrainEpochs  float64 `yaml:"num_train_epochs"`
	Seed            int64   `yaml:"seed"`
	LearningRate    float64 `yaml:"learning_rate"`
	LRScheduler     string  `yaml:"lr_scheduler_type"`
	BatchSize       int     `yaml:"per_device_train_batch_size"`
	GradAccum       int     `yaml:"gradient_accumulation_steps"`
	BF16            bool    `yaml:"bf16"`
	LoggingSteps    int     `yaml:"logging_steps"`
}

const lfHeader = `LLaMA-Factory training config written by cem export: llamafactory-cli train train.yaml
The set mixes CPT text (cem_text: an empty instruction, so every text token is the trained
response) with instruction examples (cem_instructions, Alpaca: loss on the output only).
interleave_probs are each dataset's share of the examples; interleave_over samples until
both are used up, so a few examples may repeat. Edit model_name_or_path and the optimiser.`

// llamaFactory writes text.jsonl, instructions.jsonl, dataset_info.json and train.yaml.
func (w *writer) llamaFactory(examples []model.Example, o Options) error {
	var text, inst int
	if err := w.jsonl("text.jsonl", examples, func(e model.Example) any {
		if !isText(e) {
			return nil
		}
		text++
		return map[string]string{"instruction": "", "text": e.Text}
	}); err != nil {
		return err
	}
	if err := w.jsonl("instructions.jsonl", examples, func(e model.Example) any {
		if isText(e) {
			return nil
		}
		inst++
		return map[string]string{"instruction": e.Prompt, "input": "", "output": e.Text}
	}); err != nil {
		return err
	}
	info := map[string]lfDataset{
		"cem_text":         {FileName: "text.jsonl", Formatting: "alpaca", Columns: map[string]string{"prompt": "instruction", "response": "text"}},
		"cem_text_pt":      {FileName: "text.jsonl", Columns: map[string]string{"prompt": "text"}},
		"cem_instructions": {FileName: "instructions.jsonl", Formatting: "alpaca", Columns: map[string]string{"prompt": "instruction", "query": "input", "response": "output"}},
	}
	if err := w.json("dataset_info.json", info); err != nil {
		return err
	}
	var names, probs []string
	for _, d := range []struct {
		name string
		n    int
	}{{"cem_text", text}, {"cem_instructions", inst}} {
		if d.n > 0 {
			names = append(names, d.name)
			probs = append(probs, strconv.FormatFloat(float64(d.n)/float64(len(examples)), 'g', -1, 64))
		}
	}
	cfg := lfConfig{
		ModelNameOrPath: o.BaseModel, Stage: "sft", DoTrain: true, FinetuningType: "full",
		DatasetDir: w.final, Dataset: strings.Join(names, ","), Template: o.Template, CutoffLen: o.CutoffLen,
		MixStrategy: "concat", TrainOnPrompt: false, OutputDir: o.OutputDir, NumTrainEpochs: o.Epochs, Seed: o.Seed,
		LearningRate: 1e-5, LRScheduler: "cosine", BatchSize: 1, GradAccum: 8, BF16: true, LoggingSteps: 10,
	}
	if len(names) > 1 {
		cfg.MixStrategy, cfg.InterleaveProbs = "interleave_over", strings.Join(probs, ",")
	}
	return w.yaml("train.yaml", lfHeader, cfg)
}
