package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccgw-bridge/ccgw-bridge/buildinfo"
)

// registerBuildInfo exports the running build as ccgw_build_info{version,revision,goversion} 1,
// the usual Prometheus idiom: dashboards join it to other series to see which build a replica
// runs, and a fleet mid-rollout shows two revisions.
func registerBuildInfo(reg prometheus.Registerer, info buildinfo.Info) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ccgw_build_info",
		Help: "Always 1; the labels name the build of ccgw-bridge that is running.",
	}, []string{"version", "revision", "goversion"})
	g.WithLabelValues(info.Version, info.Revision, info.GoVersion).Set(1)
	reg.MustRegister(g)
}
