// Package workers builds the loop's workers from a run's config: it puts
// cem's stage packages behind loop's roles (exam.Run grades, mistake.Mine
// and mistake.Plan mine and plan, a knowledge Source retrieves, the curate
// pipeline filters, trainset builds the mix or a baseline, and the model
// backends open and train models). It only wires: the logic of every
// stage lives in the stage's own package.
//
// Words: a stage is one step of a round with its artifact (rundir.StageExam
// ... rundir.StageTrain); a worker is what does a stage (loop.Workers).
package workers
