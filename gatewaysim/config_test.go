package gatewaysim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*gatewaysim.Config)
		want   string // "" = valid
	}{
		{"demo", func(*gatewaysim.Config) {}, ""},
		{"static mode ignores rotation", func(c *gatewaysim.Config) { c.AuthMode, c.GUIDInterval, c.GUIDTimeout = 1, time.Hour, time.Second }, ""},
		{"auth mode", func(c *gatewaysim.Config) { c.AuthMode = 3 }, "auth mode 3"},
		{"negative wait", func(c *gatewaysim.Config) { c.PollWait = -time.Second }, "poll wait"},
		{"retcode", func(c *gatewaysim.Config) { c.StaleGUIDRetcode = "100-004" }, "stale GUID retcode"},
		{"transfer failure", func(c *gatewaysim.Config) { c.TransferFailure = "sometimes" }, "transfer failure"},
		{"late result delay", func(c *gatewaysim.Config) { c.LateResultDelay = -time.Second }, "late result delay"},
		{"rotation after expiry", func(c *gatewaysim.Config) { c.GUIDTimeout = 30 * time.Second }, "must be shorter"},
		{"rotation equal to expiry", func(c *gatewaysim.Config) { c.GUIDInterval, c.GUIDTimeout = time.Second, time.Second }, "must be shorter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := gatewaysim.DemoConfig()
			tc.mutate(&c)
			err := c.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
