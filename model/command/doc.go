// Package command is a model.Trainer that runs an external training
// program: LLaMA-Factory, axolotl, TRL, a fine-tuning API client, or cem's
// own "cem model train". The command line is a Go text/template whose
// fields name the exported training files, the base model and the output:
//
//	llamafactory-cli train {{.Config}}
//	cem model train --from {{.From}} --data {{.Data}} --out {{.OutDir}}
//
// The line is split into words first (single and double quotes group, a
// backslash escapes) and each word is then expanded, so paths with spaces
// stay one argument and no shell is involved unless the command names one.
//
// Train exports the set (package trainset/export, or cem's own JSON Lines),
// runs the command in its own process group with its output streamed line
// by line to a callback, and on exit 0 returns a Ref to the result: the
// output folder, or a served model name from a template. A non-zero exit
// fails the round with the exit code and the last lines of output, and
// leaves the previous model untouched; cancelling the context kills the
// whole process group.
package command
