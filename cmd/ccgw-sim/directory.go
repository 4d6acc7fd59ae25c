package main

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// directory is the optional agents/queues file. YAML is read with
// yaml.v3, which also accepts JSON (a YAML subset), so one parser serves
// both formats. Unknown keys are errors so a typo cannot silently drop an agent.
type directory struct {
	Agents []gatewaysim.Agent `yaml:"agents"`
	Queues []gatewaysim.Queue `yaml:"queues"`
}

func loadDirectory(path string) (directory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return directory{}, fmt.Errorf("read directory: %w", err)
	}
	var d directory
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return directory{}, fmt.Errorf("parse directory %s: %w", path, err)
	}
	if len(d.Agents) == 0 {
		return directory{}, fmt.Errorf("directory %s lists no agents", path)
	}
	return d, nil
}
