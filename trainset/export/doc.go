// Package export writes a round's training set in the formats other
// trainers read, each with that trainer's own config beside it:
//
//	llamafactory  dataset_info.json; text.jsonl (CPT and replay text) and
//	              instructions.jsonl (Alpaca); train.yaml, an SFT run that
//	              interleaves the two with interleave_probs equal to their
//	              shares of the set and train_on_prompt: false. text.jsonl is
//	              registered twice: as "cem_text", an Alpaca dataset whose
//	              empty instruction leaves all text as the trained response,
//	              and as "cem_text_pt", for a separate stage: pt run.
//	axolotl       text.jsonl (type: completion, every token trained) and
//	              chat.jsonl (type: chat_template, assistant turns trained);
//	              axolotl.yaml with train_on_inputs: false.
//	trl           text.jsonl ({"text"}, language modelling), messages.jsonl
//	              ({"messages"}, conversational) and prompt_completion.jsonl
//	              ({"prompt","completion"}: text examples have an empty
//	              prompt), which sft.yaml trains on with completion_only_loss,
//	              because TRL cannot mix datasets with different columns.
//	openai        train.jsonl for the fine-tuning API: {"messages"} with a
//	              user turn (never trained) and an assistant turn with
//	              "weight": 1. Text examples become an assistant message after
//	              the neutral user turn CPTUserTurn. The API accepts weight on
//	              assistant messages only, so prompts carry none. job.json is
//	              the fine-tuning job request.
//
// Loss masks carry over: text examples (no Prompt) train on every token;
// instruction examples train only on the response. Every example is
// written exactly once, so counts per kind and the mix are preserved; the
// export manifest (export.json) records them, with notes on what a format
// cannot express (per-example loss weights other than 1).
//
// Write builds the folder beside its destination and renames it into
// place, so a failed export never leaves a half-written folder.
package export
