// Package curate checks candidate passages before they become training
// evidence. Each check is a Filter with a name; it keeps some candidates
// and rejects the others with a reason (Reject), and may log non-reject
// events such as PII redactions (Event). A Pipeline runs filters in order
// and counts, per filter, what went in, what was kept and what was
// rejected.
//
// The filters:
//
//   - Decontaminator: word n-gram overlap (default n = 13, normalised
//     words) with the question and answer text of every exam suite, so
//     that no exam, heldout or general item enters training verbatim. It
//     is also used on generated training examples (see Decontaminator.Match).
//   - Dedupe: near-duplicate removal by MinHash candidate pairs verified
//     with exact shingle Jaccard similarity.
//   - Support: the passage names the gold answer (or an alias) and at
//     least one key term of the question.
//   - Agreement: counts the independent sources that state the answer and
//     ranks facts found in more sources first; can require a minimum.
//   - Redactor: replaces e-mail addresses, phone numbers, IPv4 addresses,
//     US social security numbers and Luhn-valid card numbers with
//     placeholders.
//   - Licenses: a licence allow-list.
//
// The package knows nothing of where passages came from: a Candidate
// carries the passage and the Claim it should support (item id, answer,
// aliases, key terms), filled in by the caller from the knowledge point.
package curate
