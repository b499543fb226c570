package loop

import (
	"context"
	"fmt"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/model"
)

// Stage names of the deploy step: after training, and after a rollback
// (putting the accepted model back on the server).
const (
	StageDeploy   = "deploy"
	StageRedeploy = "redeploy"
)

// DeployRequest asks a Deployer to serve an artifact.
type DeployRequest struct {
	// Artifact is what a trainer made (an absolute path, or a name when
	// it made no file); for round 0 the config's model.
	Artifact model.Ref
	// Round is the round whose model the artifact is (0: the base model).
	Round int
	// Dir is the run folder.
	Dir string
}

// Deployment is one deploy step's artifact: what was served, under which
// name, and what identifies it.
type Deployment struct {
	Round    int       `json:"round"`
	Artifact model.Ref `json:"artifact"` // path relative to the run folder
	// Served is the model the exam opens (the openai backend and the
	// served name).
	Served model.Ref `json:"served"`
	// Revision is what the deploy command printed to identify what it
	// serves (CEM_REVISION=...); empty when it printed nothing.
	Revision string `json:"revision,omitempty"`
	// Fingerprint identifies what is served: the revision, else the
	// artifact's content hash. It enters the exam's input hash.
	Fingerprint string `json:"fingerprint"`
}

// Deployer serves an artifact where the model section's server reaches it
// and returns once the server is ready to answer for it.
type Deployer interface {
	Deploy(ctx context.Context, req DeployRequest) (Deployment, error)
}

// deployStep runs the deploy (or redeploy) stage of round r for artifact
// (whose content hash is artifactHash) and returns the served model and
// the fingerprint the exam hashes.
func deployStep(ctx context.Context, st *stepper, opts Options, r int, stage string, artifact model.Ref, artifactHash string, round int) (Deployment, error) {
	in := hashOf(stage, artifactHash, round, opts.Config.Deploy, opts.Config.Model.BaseURL)
	ds, _, _, err := runStep(ctx, st, r, stage, in, func(ctx context.Context) (stepOut[Deployment], error) {
		d, err := opts.Workers.Deployer.Deploy(ctx, DeployRequest{Artifact: absRef(artifact, opts.Dir), Round: round, Dir: opts.Dir})
		if err != nil {
			return stepOut[Deployment]{}, err
		}
		d.Round, d.Artifact = round, relRef(artifact, opts.Dir)
		d.Fingerprint = artifactHash
		if d.Revision != "" {
			d.Fingerprint = hashOf("revision", d.Revision)
		}
		return stepOut[Deployment]{records: []Deployment{d}}, nil
	})
	if err != nil {
		return Deployment{}, err
	}
	if len(ds) != 1 {
		return Deployment{}, fmt.Errorf("round %d %s: artifact holds %d records, want 1", r, stage, len(ds))
	}
	return ds[0], nil
}

// examinedRef is the model round r's exam opens for the trained model to
// (content hash toHash), and the hash identifying it: the deployed model
// when a Deployer is set; for an openai model without one, the served
// name the trainer reported; else the trained checkpoint.
func examinedRef(ctx context.Context, st *stepper, opts Options, r int, to model.Ref, toHash string) (model.Ref, string, error) {
	if opts.Workers.Deployer != nil {
		d, err := deployStep(ctx, st, opts, r, StageDeploy, to, toHash, r)
		if err != nil {
			return model.Ref{}, "", err
		}
		return d.Served, hashOf(d.Served, d.Fingerprint), nil
	}
	if opts.Config.Model.Backend == config.BackendOpenAI && to.Name == "" {
		return model.Ref{}, "", fmt.Errorf("round %d: the trainer made %s, but model.backend is openai and no deploy step serves it: "+
			"add a deploy section, or have the trainer name the served model (trainer.name, or a CEM_MODEL_NAME= line)", r, to.Path)
	}
	return to, toHash, nil
}

// redeploy puts the accepted model back on the server after round r was
// rolled back; a no-op without a Deployer.
func redeploy(ctx context.Context, st *stepper, opts Options, s *state, r int) error {
	if opts.Workers.Deployer == nil {
		return nil
	}
	accepted := 0
	for _, m := range s.summary.Rounds {
		if m.Round > 0 && m.Gate.Accepted {
			accepted = m.Round
		}
	}
	_, err := deployStep(ctx, st, opts, r, StageRedeploy, s.ref, s.refHash, accepted)
	return err
}
