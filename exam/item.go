package exam

// Item is one exam question. Its JSON Lines form is the suite file format:
//
//	{"id":"quiz-capital-0001","question":"What is the capital of Chad?",
//	 "choices":["N'Djamena","Niamey","Bamako","Bangui"],"answer":0,
//	 "aliases":["Ndjamena"],"topic":"capital","weight":1,"source":"bsdgames:africa"}
//
// Answer is either an index into Choices (multiple choice) or the answer
// text (open question); see Answer.
type Item struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Choices  []string `json:"choices,omitempty"`
	Answer   Answer   `json:"answer"`
	Aliases  []string `json:"aliases,omitempty"` // other accepted spellings of the answer
	Topic    string   `json:"topic,omitempty"`
	Weight   float64  `json:"weight,omitempty"` // business priority; 0 means 1
	Source   string   `json:"source,omitempty"` // where the item came from
	// Fact groups items that ask about the same fact (forward, reverse and
	// paraphrased questions); splits keep a fact's items together or apart
	// as the split asks, and heldout suites use it to find related items.
	Fact string `json:"fact,omitempty"`
	// Subject, Relation and Object describe the fact in structured form
	// when the builder knows it (e.g. "Chad", "capital", "N'Djamena").
	Subject  string `json:"subject,omitempty"`
	Relation string `json:"relation,omitempty"`
	Object   string `json:"object,omitempty"`
	// Variant says how the item asks about its Fact: "forward" (subject
	// given, object asked), "reverse" (object given, subject asked) or
	// another paraphrase name; "" when the builder does not say. Variant
	// splits send forward items to one suite and the others to another.
	Variant string `json:"variant,omitempty"`
	// Context, when set, is a passage put before the question in the
	// prompt (see Prompt): the rag baseline's retrieved text. Suites on
	// disk leave it empty.
	Context string `json:"context,omitempty"`
	// Probe says what a probe item (in a heldout suite) measures: one of
	// the Probe constants (paraphrase, reverse, collateral,
	// interference), "" for an item that is not a probe. Reports break
	// a suite's accuracy down by it (see rundir.PartMetrics).
	Probe string `json:"probe,omitempty"`
	// About is the Fact of the exam item a probe is about: a paraphrase
	// or reverse probe shares it, a collateral probe asks another fact of
	// the same entity; "" for interference probes (facts taught nowhere).
	// A probe whose About fact was mined counts as a probe of a mined fact.
	About string `json:"about,omitempty"`
	// Familiarity is the training status shared by the gold answer and
	// the distractors, as the builder knew it (the demo: "pretrained",
	// "withheld", "untaught"; "mixed" when too few distractors of the
	// gold's status existed). Reports break accuracy down by it.
	Familiarity string `json:"familiarity,omitempty"`
	// ChoiceAbout, when set, has one entry per choice: the facts (About,
	// else Fact, "|"-joined) of the probes whose answer the choice is, ""
	// when none. Reports use it to tell whether a probe's distractors
	// were trained as much as its gold (see rundir.PartMetrics).
	ChoiceAbout []string `json:"choice_about,omitempty"`
}

// Probe kinds (Item.Probe).
const (
	// ProbeParaphrase asks an exam fact in its direction, worded as no
	// training question writer words it.
	ProbeParaphrase = "paraphrase"
	// ProbeReverse asks an exam fact the other way (object -> subject).
	ProbeReverse = "reverse"
	// ProbeCollateral asks another fact about an exam fact's entity,
	// stated in the passages retrieval finds for the exam item.
	ProbeCollateral = "collateral"
	// ProbeInterference asks a fact taught nowhere: it can only lose
	// (interference), so it is reported as a loss with a ceiling, never
	// as gain.
	ProbeInterference = "interference"
)

// ProbeKinds lists the probe kinds in report order.
func ProbeKinds() []string {
	return []string{ProbeParaphrase, ProbeReverse, ProbeCollateral, ProbeInterference}
}

// Answer is the gold answer of an Item: an index into the item's choices
// when Index >= 0, otherwise free Text. In JSON it is a number or a string.
type Answer struct {
	Index int    // -1 for open questions
	Text  string // the answer text; for multiple choice, Choices[Index]
}
