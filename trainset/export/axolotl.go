package export

import "github.com/cemlab/cem/model"

type axDataset struct {
	Path          string   `yaml:"path"`
	DSType        string   `yaml:"ds_type"`
	Type          string   `yaml:"type"`
	Field         string   `yaml:"field,omitempty"`
	FieldMessages string   `yaml:"field_messages,omitempty"`
	RolesToTrain  []string `yaml:"roles_to_train,omitempty"`
}

type axConfig struct {
	BaseModel             string      `yaml:"base_model"`
	Datasets              []axDataset `yaml:"datasets"`
	ShuffleMergedDatasets bool        `yaml:"shuffle_merged_datasets"`
	TrainOnInputs         bool        `yaml:"train_on_inputs"`
	SequenceLen           int         `yaml:"sequence_len"`
	NumEpochs             float64     `yaml:"num_epochs"`
	MicroBatchSize        int         `yaml:"micro_batch_size"`
	GradAccum             int         `yaml:"gradient_accumulation_steps"`
	LearningRate          float64     `yaml:"learning_rate"`
	LRScheduler           string      `yaml:"lr_scheduler"`
	Optimizer             string      `yaml:"optimizer"`
	BF16                  string      `yaml:"bf16"`
	Seed                  int64       `yaml:"seed"`
	OutputDir             string      `yaml:"output_dir"`
}

const axHeader = `axolotl training config written by cem export: axolotl train axolotl.yaml
text.jsonl is a completion dataset (every token trained: CPT and replay text); chat.jsonl a
chat_template dataset trained on assistant turns only. Each example appears once, so the
merged, shuffled set keeps the round's mix. Edit base_model and the optimiser.`

// axolotl writes text.jsonl, chat.jsonl and axolotl.yaml.
func (w *writer) axolotl(examples []model.Example, o Options) error {
	if err := w.textAndChat("chat.jsonl", examples); err != nil {
		return err
	}
	var ds []axDataset
	if n := total(w.res.Files["text.jsonl"]); n > 0 {
		ds = append(ds, axDataset{Path: w.path("text.jsonl"), DSType: "json", Type: "completion", Field: "text"})
	}
	if n := total(w.res.Files["chat.jsonl"]); n > 0 {
		ds = append(ds, axDataset{Path: w.path("chat.jsonl"), DSType: "json", Type: "chat_template",
			FieldMessages: "messages", RolesToTrain: []string{"assistant"}})
	}
	return w.yaml("axolotl.yaml", axHeader, axConfig{
		BaseModel: o.BaseModel, Datasets: ds, ShuffleMergedDatasets: true, TrainOnInputs: false,
		SequenceLen: o.CutoffLen, NumEpochs: o.Epochs, MicroBatchSize: 1, GradAccum: 8, LearningRate: 1e-5,
		LRScheduler: "cosine", Optimizer: "adamw_torch", BF16: "auto", Seed: o.Seed, OutputDir: o.OutputDir,
	})
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Weight  *int   `json:"weight,omitempty"`
}

// chat is an instruction example as a user and an assistant message.
func chat(e model.Example) []message {
	return []message{{Role: "user", Content: e.Prompt}, {Role: "assistant", Content: e.Text}}
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// textAndChat writes text.jsonl ({"text"}: the text examples) and chatName
// ({"messages"}: the instruction examples).
func (w *writer) textAndChat(chatName string, examples []model.Example) error {
	if err := w.jsonl("text.jsonl", examples, func(e model.Example) any {
		if !isText(e) {
			return nil
		}
		return map[string]string{"text": e.Text}
	}); err != nil {
		return err
	}
	return w.jsonl(chatName, examples, func(e model.Example) any {
		if isText(e) {
			return nil
		}
		return map[string]any{"messages": chat(e)}
	})
}
