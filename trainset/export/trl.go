package export

import "github.com/cemlab/cem/model"

type trlDataset struct {
	Path      string `yaml:"path"`
	DataFiles string `yaml:"data_files"`
	Split     string `yaml:"split"`
}

type trlConfig struct {
	ModelNameOrPath    string       `yaml:"model_name_or_path"`
	Datasets           []trlDataset `yaml:"datasets"`
	CompletionOnlyLoss bool         `yaml:"completion_only_loss"`
	MaxLength          int          `yaml:"max_length"`
	NumTrainEpochs     float64      `yaml:"num_train_epochs"`
	LearningRate       float64      `yaml:"learning_rate"`
	BatchSize          int          `yaml:"per_device_train_batch_size"`
	GradAccum          int          `yaml:"gradient_accumulation_steps"`
	Seed               int64        `yaml:"seed"`
	OutputDir          string       `yaml:"output_dir"`
}

const trlHeader = `TRL SFT config written by cem export: trl sft --config sft.yaml
It trains on prompt_completion.jsonl with completion_only_loss: instruction examples train
on the completion only; text examples (CPT, replay) have an empty prompt, so every token
trains. text.jsonl and messages.jsonl hold the same examples in TRL's language-modelling and
conversational formats, for scripts that train on them separately.`

// trl writes text.jsonl, messages.jsonl, prompt_completion.jsonl and sft.yaml.
func (w *writer) trl(examples []model.Example, o Options) error {
	if err := w.textAndChat("messages.jsonl", examples); err != nil {
		return err
	}
	if err := w.jsonl("prompt_completion.jsonl", examples, func(e model.Example) any {
		return map[string]string{"prompt": e.Prompt, "completion": e.Text}
	}); err != nil {
		return err
	}
	return w.yaml("sft.yaml", trlHeader, trlConfig{
		ModelNameOrPath:    o.BaseModel,
		Datasets:           []trlDataset{{Path: "json", DataFiles: w.path("prompt_completion.jsonl"), Split: "train"}},
		CompletionOnlyLoss: true, MaxLength: o.CutoffLen, NumTrainEpochs: o.Epochs, LearningRate: 1e-5,
		BatchSize: 1, GradAccum: 8, Seed: o.Seed, OutputDir: o.OutputDir,
	})
}
