// Package slurm is a model.Trainer that runs the training command on a
// Slurm cluster. The command line is the one of package model/command
// (the same template fields, the same export of the training set); it is
// written into a batch script with #SBATCH lines for the configured
// resources and submitted with `sbatch --parsable`.
//
// A job outlives cem. The job id is recorded atomically in a state file,
// <set.Dir>/slurm/job.json, the moment sbatch accepts the job; a later
// Train on the same folder with the same inputs re-attaches to that job
// (pending, running or finished) instead of submitting again, and when
// the state file is missing it finds a job of the same name with
// `squeue --name`. Train waits by polling `scontrol show job` (there may
// be no accounting database), falling back to `sacct -c` (the job
// completion log) once scontrol has forgotten a finished job, and streams
// the job's log file line by line. A cancelled context leaves the job
// running unless CancelOnInterrupt is set, in which case it is scancelled.
//
// A job that fails, times out or is cancelled fails Train with the job's
// state and the last lines of its log; the output folder is only ever the
// staging folder until the job succeeds, so nothing half-written is left
// where a model is expected. Usage reports the elapsed time and GPU hours
// (elapsed time times the requested GPUs) of the jobs that finished.
package slurm
