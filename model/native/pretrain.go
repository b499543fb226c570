package native

import (
	"context"
	"fmt"
	"os"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// PretrainOptions configure Pretrain. The zero value of a field selects
// the default in brackets.
type PretrainOptions struct {
	Size   string     // named size (nn.Sizes) ["tiny"]; ignored when Config is set
	Config *nn.Config // custom architecture; Vocab is the tokenizer's target size
	// TokenizerBytes caps the text sample the tokenizer trains on [4 MiB],
	// taken from the start of texts then examples.
	TokenizerBytes int
	InitSeed       uint64  // weight initialisation [1]
	Train          Options // training settings; Train.Out is the checkpoint folder (required)
}

// Pretrain builds a fresh model: it trains a tokenizer on a sample of the
// texts (and examples), initialises a decoder of the chosen size with the
// tokenizer's vocabulary, trains it on texts (as CPT examples) followed
// by examples, and writes the checkpoint to opts.Train.Out.
func Pretrain(ctx context.Context, texts []string, examples []model.Example, opts PretrainOptions) (model.Ref, error) {
	if opts.Train.Out == "" {
		return model.Ref{}, fmt.Errorf("native: pretrain: no output folder")
	}
	var cfg nn.Config
	if opts.Config != nil {
		cfg = *opts.Config
	} else {
		size := opts.Size
		if size == "" {
			size = "tiny"
		}
		c, err := nn.SizeConfig(size)
		if err != nil {
			return model.Ref{}, fmt.Errorf("native: pretrain: %w", err)
		}
		cfg = c
	}
	if opts.TokenizerBytes <= 0 {
		opts.TokenizerBytes = 4 << 20
	}
	if opts.InitSeed == 0 {
		opts.InitSeed = 1
	}
	var sample []string
	n := 0
	add := func(s string) {
		if n < opts.TokenizerBytes && s != "" {
			sample = append(sample, s)
			n += len(s)
		}
	}
	for _, t := range texts {
		add(t)
	}
	for _, ex := range examples {
		add(ex.Prompt)
		add(ex.Text)
	}
	vocab := max(cfg.Vocab, tokenizer.MinVocabSize)
	tok, err := tokenizer.Train(sample, vocab)
	if err != nil {
		return model.Ref{}, fmt.Errorf("native: pretrain: %w", err)
	}
	cfg.Vocab = tok.VocabSize()
	net, err := nn.NewModel(cfg, opts.InitSeed)
	if err != nil {
		return model.Ref{}, fmt.Errorf("native: pretrain: %w", err)
	}
	all := make([]model.Example, 0, len(texts)+len(examples))
	for i, t := range texts {
		all = append(all, model.Example{ID: fmt.Sprintf("text-%d", i), Kind: "cpt", Text: t})
	}
	all = append(all, examples...)
	base := &Checkpoint{Net: net, Tok: tok}
	initDir := opts.Train.Out + ".init"
	if err := base.Save(initDir); err != nil {
		return model.Ref{}, err
	}
	base.Dir = initDir
	if err := TrainCheckpoint(ctx, base, all, opts.Train, opts.Train.Out); err != nil {
		return model.Ref{}, err
	}
	if err := os.RemoveAll(initDir); err != nil {
		return model.Ref{}, fmt.Errorf("native: pretrain: %w", err)
	}
	return model.Ref{Backend: Backend, Path: opts.Train.Out}, nil
}
