package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/gguf"
	"github.com/cemlab/cem/model/native"
)

// ggufOptions are the flags of `cem gguf`.
type ggufOptions struct {
	Out    string
	Type   string
	Name   string
	AddBOS bool
	Ctx    int // --ctx: context length written; 0 means the model's positions
}

// nativeChatTemplate is the Jinja form of cem serve's chat prompt
// (newNativeServer): <|inst|>, the messages' contents joined by blank
// lines, <|resp|>. llama.cpp adds <|begin|> itself (add_bos_token). The
// blank line is two real newlines inside a Jinja string literal, which
// Jinja engines (Jinja2, llama.cpp's minja) copy as they are.
const nativeChatTemplate = "{{- '<|inst|>' -}}" +
	"{%- for message in messages -%}" +
	"{%- if not loop.first -%}{{- '\n\n' -}}{%- endif -%}" +
	"{{- message['content'] -}}" +
	"{%- endfor -%}" +
	"{{- '<|resp|>' -}}"

// ggufTypes maps the --type values to tensor types.
var ggufTypes = map[string]gguf.Type{"f32": gguf.TypeF32, "f16": gguf.TypeF16, "q8_0": gguf.TypeQ8_0}

// parseGGUFType returns the tensor type named by a --type value
// (f32, f16 or q8_0, any case).
func parseGGUFType(s string) (gguf.Type, error) {
	t, ok := ggufTypes[strings.ToLower(s)]
	if !ok {
		return 0, fmt.Errorf("unknown type %q (want f32, f16 or q8_0)", s)
	}
	return t, nil
}

// newGGUFCommand returns `cem gguf CKPT --out FILE.gguf [--type f32|f16|q8_0]`,
// which exports a native checkpoint folder to a GGUF file llama.cpp loads.
func newGGUFCommand() *cobra.Command {
	opts := ggufOptions{Type: "f32", AddBOS: true}
	cmd := &cobra.Command{
		Use:   "gguf CKPT --out FILE.gguf [--type f32|f16|q8_0]",
		Short: "Export a native checkpoint to GGUF for llama.cpp",
		Long: `cem gguf loads the native checkpoint folder CKPT (config.json,
model.safetensors, tokenizer.json) and writes its weights and tokenizer to
a GGUF file that llama.cpp and the servers built on it load as a "llama"
model. Matrices are written as --type (f32, f16 or q8_0; q8_0 falls back to
f16 for a matrix whose rows are not a multiple of 32 long); norm gains are
always f32. The output is written to a temporary file and renamed, so an
existing file is replaced only by a complete one.

The native model starts every sequence with <bos>; --add-bos (default on)
tells llama.cpp to do the same when it tokenises a prompt. Prompts in the
instruction format are <|inst|>PROMPT<|resp|>; the file's
tokenizer.chat_template puts chat messages in it exactly as cem serve does
(the contents joined by blank lines), so llama.cpp's chat endpoint
formats like cem serve's. llama.context_length is the model's positions,
or --ctx.`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if _, err := parseGGUFType(opts.Type); err != nil {
				return usageError{fmt.Errorf("gguf: --type: %w", err)}
			}
			if opts.Out == "" {
				return usagef("gguf: --out is required")
			}
			if opts.Ctx < 0 {
				return usagef("gguf: --ctx %d: want a positive context length (0: the model's positions)", opts.Ctx)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGGUF(args[0], opts, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Out, "out", "o", "", "GGUF file to write (required)")
	f.StringVar(&opts.Type, "type", opts.Type, "matrix type: f32, f16 or q8_0")
	f.StringVar(&opts.Name, "name", "", "general.name in the file (default the checkpoint folder's name)")
	f.BoolVar(&opts.AddBOS, "add-bos", opts.AddBOS, "have llama.cpp put <bos> before prompts (tokenizer.ggml.add_bos_token)")
	f.IntVar(&opts.Ctx, "ctx", 0, "context length written as llama.context_length (default the model's positions; more than those needs a model that extrapolates)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// runGGUF exports the checkpoint at dir as opts say and reports on out
// what was written, read back from the file: tensor count, per-type
// counts, size and the architecture.
func runGGUF(dir string, opts ggufOptions, out io.Writer) error {
	typ, err := parseGGUFType(opts.Type)
	if err != nil {
		return usageError{fmt.Errorf("gguf: --type: %w", err)}
	}
	ck, err := loadCheckpoint(dir)
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	name := opts.Name
	if name == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("gguf: %w", err)
		}
		name = filepath.Base(abs)
	}
	c := ck.Net.Config
	lc := native.GGUFConfig(name, c)
	lc.ChatTemplate = nativeChatTemplate
	if opts.Ctx > 0 {
		lc.MaxSeq = opts.Ctx
	}
	// The checkpoint's rope layout is "interleaved" (native.Load rejects
	// anything else), which is llama.cpp's: weights go out unchanged.
	if err := gguf.WriteLlama(opts.Out, lc, ck.Net, ck.Tok, gguf.ExportOptions{Type: typ, AddBOS: opts.AddBOS}); err != nil {
		return err
	}
	st, err := os.Stat(opts.Out)
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	gf, err := gguf.ReadFile(opts.Out)
	if err != nil {
		return fmt.Errorf("gguf: reading back the export: %w", err)
	}
	perType := map[string]int{}
	for _, t := range gf.Tensors {
		perType[t.Type.String()]++
	}
	types := make([]string, 0, len(perType))
	for t, n := range perType {
		types = append(types, fmt.Sprintf("%s %d", t, n))
	}
	slices.Sort(types)
	fmt.Fprintf(out, "wrote %s: %d tensors (%s), %s, type %s\n", opts.Out, len(gf.Tensors), strings.Join(types, ", "), byteSize(st.Size()), typ)
	kv := c.KVHeads
	if kv == 0 {
		kv = c.Heads
	}
	fmt.Fprintf(out, "model %q: llama, vocab %d (tokenizer %d), dim %d, %d layers, %d heads (%d kv), ffn %d, context %d, %d parameters, add_bos %v\n",
		name, c.Vocab, ck.Tok.VocabSize(), c.Dim, c.Layers, c.Heads, kv, c.FFN, lc.MaxSeq, c.NumParams(), opts.AddBOS)
	return nil
}

// byteSize formats n bytes with a binary unit ("512 B", "4.2 MiB").
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"KiB", "MiB", "GiB", "TiB"}[i])
}
