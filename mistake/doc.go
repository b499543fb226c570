// Package mistake turns exam results into the knowledge a model lacks.
//
// Mine picks the items to learn from: the ones answered wrongly and the
// ones answered rightly but without confidence (a small probability margin
// between the two best choices), ordered by business priority and
// confidence and capped by a per-round budget.
//
// An Extractor turns a Mistake into KnowledgePoints: a statement of the
// fact to learn, its answer and aliases, the question's key terms and the
// search queries to find passages about it. Heuristic works offline from
// the item alone; LLM asks a model to write the queries.
package mistake
