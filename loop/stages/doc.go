// Package stages puts cem's stage packages behind loop's roles: exam.Run
// grades, mistake.Mine and mistake.Points mine and plan, a knowledge
// Source retrieves, the curate pipeline filters, trainset builds the mix
// (or a baseline), and the model backends open and train models. New
// wires them from a run's config.
package stages
