package native

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/safetensors"
	"github.com/cemlab/cem/tokenizer"
)

// Checkpoint file names inside a checkpoint folder.
const (
	ConfigFile     = "config.json"
	WeightsFile    = "model.safetensors"
	TokenizerFile  = "tokenizer.json"
	OptimizerFile  = "optimizer.safetensors"
	TrainStateFile = "train_state.json"
)

// Format and Version identify config.json; Version changes when the
// folder layout or tensor naming changes incompatibly.
const (
	Format  = "cem-native"
	Version = 1
)

// ErrCheckpoint is wrapped by every error about a missing, corrupt or
// inconsistent checkpoint.
var ErrCheckpoint = errors.New("bad checkpoint")

// fileConfig is config.json.
type fileConfig struct {
	Format         string `json:"format"`
	Version        int    `json:"version"`
	Arch           string `json:"arch"`        // "llama"
	RopeLayout     string `json:"rope_layout"` // "interleaved" (llama.cpp LLAMA, rope type NORM)
	TiedEmbeddings bool   `json:"tied_embeddings"`
	nn.Config
}

// Checkpoint is a loaded checkpoint folder.
type Checkpoint struct {
	Dir   string
	Net   *nn.Model
	Tok   *tokenizer.Tokenizer
	Opt   *nn.AdamW   // nil when the folder has no optimizer state
	State *TrainState // nil when the folder has no train state
}

// TrainState is train_state.json: where an interrupted Train stopped.
type TrainState struct {
	Version     int    `json:"version"`
	Step        int    `json:"step"`  // optimiser steps done
	Steps       int    `json:"steps"` // planned
	Seed        uint64 `json:"seed"`
	Fingerprint string `json:"fingerprint"` // of the base checkpoint, data and options
	From        string `json:"from"`
}

// Save writes the checkpoint to dir (created if needed): weights, config
// and tokenizer, plus optimiser state and train state when Opt and State
// are set. Each file is written to a temporary name and renamed; the
// train state is removed first and written last, so a save that dies
// half-way never leaves a folder that looks resumable.
func (c *Checkpoint) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("native: save checkpoint: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, TrainStateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("native: save checkpoint: %w", err)
	}
	cfg := fileConfig{Format: Format, Version: Version, Arch: "llama", RopeLayout: "interleaved", TiedEmbeddings: true, Config: c.Net.Config}
	if err := writeJSON(filepath.Join(dir, ConfigFile), cfg); err != nil {
		return err
	}
	var ts []safetensors.Tensor
	for _, v := range c.Net.Views {
		ts = append(ts, safetensors.F32Tensor(v.Name, v.Shape, c.Net.Params[v.Off:v.Off+v.Len()]))
	}
	meta := map[string]string{"format": Format, "version": fmt.Sprint(Version)}
	if err := safetensors.WriteFile(filepath.Join(dir, WeightsFile), ts, meta); err != nil {
		return fmt.Errorf("native: save checkpoint %s: %w", dir, err)
	}
	if err := c.Tok.Save(filepath.Join(dir, TokenizerFile)); err != nil {
		return fmt.Errorf("native: save checkpoint %s: %w", dir, err)
	}
	optPath, statePath := filepath.Join(dir, OptimizerFile), filepath.Join(dir, TrainStateFile)
	if c.Opt == nil || c.State == nil {
		for _, p := range []string{optPath, statePath} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("native: save checkpoint: %w", err)
			}
		}
		return nil
	}
	n := []int{len(c.Opt.M)}
	ots := []safetensors.Tensor{safetensors.F32Tensor("adam.m", n, c.Opt.M), safetensors.F32Tensor("adam.v", n, c.Opt.V)}
	if err := safetensors.WriteFile(optPath, ots, map[string]string{"step": fmt.Sprint(c.Opt.Step)}); err != nil {
		return fmt.Errorf("native: save checkpoint %s: %w", dir, err)
	}
	st := *c.State
	st.Version = Version
	st.Step = c.Opt.Step
	return writeJSON(statePath, st)
}

// Load reads a checkpoint folder. Optimiser and train state are read when
// both files are present. Errors wrap ErrCheckpoint and name the file.
func Load(dir string) (*Checkpoint, error) {
	var cfg fileConfig
	if err := readJSON(filepath.Join(dir, ConfigFile), &cfg); err != nil {
		return nil, err
	}
	if cfg.Format != Format || cfg.Version != Version {
		return nil, fmt.Errorf("%w: %s: format %q version %d; want %q version %d", ErrCheckpoint, filepath.Join(dir, ConfigFile), cfg.Format, cfg.Version, Format, Version)
	}
	if cfg.RopeLayout != "interleaved" || !cfg.TiedEmbeddings || cfg.Arch != "llama" {
		return nil, fmt.Errorf("%w: %s: unsupported arch %q, rope layout %q, tied %v", ErrCheckpoint, filepath.Join(dir, ConfigFile), cfg.Arch, cfg.RopeLayout, cfg.TiedEmbeddings)
	}
	if err := cfg.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCheckpoint, filepath.Join(dir, ConfigFile), err)
	}
	wpath := filepath.Join(dir, WeightsFile)
	if st, err := os.Stat(wpath); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCheckpoint, err)
	} else if need := 4 * int64(cfg.Config.NumParams()); st.Size() < need {
		return nil, fmt.Errorf("%w: %s holds %d bytes; config.json needs %d parameters (%d bytes)", ErrCheckpoint, wpath, st.Size(), need/4, need)
	}
	net, err := nn.NewModelFrom(cfg.Config, make([]float32, cfg.Config.NumParams()))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCheckpoint, dir, err)
	}
	f, err := safetensors.ReadFile(wpath)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	if len(f.Tensors) != len(net.Views) {
		return nil, fmt.Errorf("%w: %s holds %d tensors; config.json needs %d", ErrCheckpoint, wpath, len(f.Tensors), len(net.Views))
	}
	for _, v := range net.Views {
		data, shape, err := f.Float32(v.Name)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrCheckpoint, wpath, err)
		}
		if !slices.Equal(shape, v.Shape) {
			return nil, fmt.Errorf("%w: %s: tensor %s has shape %v; config.json needs %v", ErrCheckpoint, wpath, v.Name, shape, v.Shape)
		}
		if i := nonFinite(data); i >= 0 {
			return nil, fmt.Errorf("%w: %s: tensor %s holds %v at index %d; the weights are damaged or training diverged", ErrCheckpoint, wpath, v.Name, data[i], i)
		}
		copy(net.Params[v.Off:], data)
	}
	tok, err := tokenizer.Load(filepath.Join(dir, TokenizerFile))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	if tok.VocabSize() > cfg.Vocab {
		return nil, fmt.Errorf("%w: %s: tokenizer has %d tokens; the model only %d", ErrCheckpoint, dir, tok.VocabSize(), cfg.Vocab)
	}
	ck := &Checkpoint{Dir: dir, Net: net, Tok: tok}
	if err := ck.loadTrainState(); err != nil {
		return nil, err
	}
	return ck, nil
}

func (c *Checkpoint) loadTrainState() error {
	optPath, statePath := filepath.Join(c.Dir, OptimizerFile), filepath.Join(c.Dir, TrainStateFile)
	if _, err := os.Stat(statePath); err != nil {
		return nil // no resumable state
	}
	var st TrainState
	if err := readJSON(statePath, &st); err != nil {
		return err
	}
	if st.Version != Version {
		return fmt.Errorf("%w: %s: version %d; want %d", ErrCheckpoint, statePath, st.Version, Version)
	}
	f, err := safetensors.ReadFile(optPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	n := len(c.Net.Params)
	m, ms, err1 := f.Float32("adam.m")
	v, vs, err2 := f.Float32("adam.v")
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCheckpoint, optPath, err)
	}
	if !slices.Equal(ms, []int{n}) || !slices.Equal(vs, []int{n}) {
		return fmt.Errorf("%w: %s: moments of shape %v and %v; the model has %d parameters", ErrCheckpoint, optPath, ms, vs, n)
	}
	for _, t := range []struct {
		name string
		data []float32
	}{{"adam.m", m}, {"adam.v", v}} {
		if i := nonFinite(t.data); i >= 0 {
			return fmt.Errorf("%w: %s: tensor %s holds %v at index %d", ErrCheckpoint, optPath, t.name, t.data[i], i)
		}
	}
	c.Opt = &nn.AdamW{M: m, V: v, Step: st.Step}
	c.State = &st
	return nil
}

// nonFinite returns the index of the first NaN or infinite value in
// data, or -1 when every value is finite.
func nonFinite(data []float32) int {
	for i, x := range data {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

func writeJSON(path string, v any) error {
	if err := atomicfile.WriteJSON(path, v, 0o644); err != nil {
		return fmt.Errorf("native: write %s: %w", path, err)
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCheckpoint, path, err)
	}
	return nil
}
