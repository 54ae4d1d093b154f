// Command inject-render is a test helper for istio-pack: it renders a sidecar-injection template
// the way istiod 1.30 does, with Go's text/template, sprig's TxtFuncMap and re-implementations of
// the helper functions istiod adds to that map (same semantics, written for this test).
//
// It reads one JSON object on stdin:
//
//	{
//	  "template":     "<template text>",        // render this template, or
//	  "config":       "<`config` key YAML>",    // parse every template of this injection config
//	  "templateName": "sidecar",                // ... and render this one (omit to print a summary)
//	  "values":       "<`values` key text>",    // decoded like istiod into .Values (optional)
//	  "data":         { ...template data... }   // fields named as in istiod's SidecarTemplateData
//	}
//
// and prints the rendered text (or, for a config without templateName, a JSON summary of what
// istiod would load). Templates run with missingkey=error so that a template reading a values
// key that the values document does not carry fails here instead of rendering "<no value>".
//
// Build (GOPATH mode, Debian packages golang-go, golang-github-masterminds-sprig-dev and
// golang-k8s-sigs-yaml-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o inject-render .
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// ---------------------------------------------------------------------------------------------
// Template data: the subset of istiod's SidecarTemplateData types that templates can reach.
// ---------------------------------------------------------------------------------------------

// TypeMeta mirrors metav1.TypeMeta.
type TypeMeta struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// NamespacedName mirrors types.NamespacedName (the owning workload).
type NamespacedName struct {
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// ObjectMeta mirrors the metav1.ObjectMeta fields templates use.
type ObjectMeta struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ContainerPort mirrors corev1.ContainerPort, including its JSON field names.
type ContainerPort struct {
	Name          string `json:"name,omitempty"`
	HostPort      int32  `json:"hostPort,omitempty"`
	ContainerPort int32  `json:"containerPort"`
	Protocol      string `json:"protocol,omitempty"`
	HostIP        string `json:"hostIP,omitempty"`
}

// Container mirrors the corev1.Container fields templates use.
type Container struct {
	Name  string          `json:"name"`
	Image string          `json:"image,omitempty"`
	Ports []ContainerPort `json:"ports,omitempty"`
}

// PodSpec mirrors the corev1.PodSpec fields templates use.
type PodSpec struct {
	Containers         []Container `json:"containers,omitempty"`
	InitContainers     []Container `json:"initContainers,omitempty"`
	ServiceAccountName string      `json:"serviceAccountName,omitempty"`
	NodeName           string      `json:"nodeName,omitempty"`
}

// BoolValue mirrors google.protobuf.BoolValue: plain bool in JSON, nil-safe getter.
type BoolValue struct{ Value bool }

// GetValue returns the wrapped value, false for a nil wrapper (like the generated proto getter).
func (b *BoolValue) GetValue() bool {
	if b == nil {
		return false
	}
	return b.Value
}

// UnmarshalJSON reads a plain JSON bool.
func (b *BoolValue) UnmarshalJSON(data []byte) error { return json.Unmarshal(data, &b.Value) }

// MarshalJSON writes a plain JSON bool.
func (b BoolValue) MarshalJSON() ([]byte, error) { return json.Marshal(b.Value) }

// InterceptionMode mirrors the ProxyConfig.InboundInterceptionMode enum; its zero value is REDIRECT.
type InterceptionMode string

// String returns the enum name, as the generated proto enum does.
func (m InterceptionMode) String() string {
	if m == "" {
		return "REDIRECT"
	}
	return string(m)
}

// ProxyConfig mirrors the meshconfig.ProxyConfig fields templates use.
type ProxyConfig struct {
	DiscoveryAddress                string            `json:"discoveryAddress,omitempty"`
	InterceptionMode                InterceptionMode  `json:"interceptionMode,omitempty"`
	HoldApplicationUntilProxyStarts *BoolValue        `json:"holdApplicationUntilProxyStarts,omitempty"`
	ProxyMetadata                   map[string]string `json:"proxyMetadata,omitempty"`
	StatusPort                      int32             `json:"statusPort,omitempty"`
}

// OpenTelemetryProvider mirrors the MeshConfig OpenTelemetry extension provider fields used here.
type OpenTelemetryProvider struct {
	Service                    string `json:"service,omitempty"`
	Port                       int32  `json:"port,omitempty"`
	ServiceAttributeEnrichment string `json:"serviceAttributeEnrichment,omitempty"`
}

// ExtensionProvider mirrors a MeshConfig extension provider.
type ExtensionProvider struct {
	Name          string                 `json:"name"`
	Opentelemetry *OpenTelemetryProvider `json:"opentelemetry,omitempty"`
}

// MeshConfig mirrors the meshconfig.MeshConfig fields templates use.
type MeshConfig struct {
	ProxyListenPort        int32               `json:"proxyListenPort,omitempty"`
	ProxyInboundListenPort int32               `json:"proxyInboundListenPort,omitempty"`
	TrustDomain            string              `json:"trustDomain,omitempty"`
	ExtensionProviders     []ExtensionProvider `json:"extensionProviders,omitempty"`
}

// TemplateData carries the same field names as istiod's SidecarTemplateData.
type TemplateData struct {
	TypeMeta                 TypeMeta
	DeploymentMeta           NamespacedName
	ObjectMeta               ObjectMeta
	Spec                     PodSpec
	ProxyConfig              *ProxyConfig
	MeshConfig               *MeshConfig
	Values                   map[string]any
	Revision                 string
	NativeSidecars           bool
	ProxyImage               string
	ProxyUID                 int64
	ProxyGID                 int64
	InboundTrafficPolicyMode string
	CompliancePolicy         string
}

// ---------------------------------------------------------------------------------------------
// Helper functions with the semantics of istiod's injection function map.
// ---------------------------------------------------------------------------------------------

// annotation returns the annotation value, or the default formatted with fmt.Sprint when absent.
func annotation(meta ObjectMeta, name string, def any) string {
	if v, ok := meta.Annotations[name]; ok {
		return v
	}
	return fmt.Sprint(def)
}

func isset(m map[string]string, key string) bool {
	_, ok := m[key]
	return ok
}

// excludeInboundPort appends the port to the comma-separated list unless it is empty, "0" or listed.
func excludeInboundPort(port any, excluded string) string {
	p := strings.TrimSpace(fmt.Sprint(port))
	if p == "" || p == "0" {
		return excluded
	}
	kept := []string{}
	for _, item := range strings.Split(excluded, ",") {
		if item == p {
			return excluded
		}
		if t := strings.TrimSpace(item); t != "" {
			kept = append(kept, t)
		}
	}
	return strings.Join(append(kept, p), ",")
}

// containerPorts lists non-UDP/SCTP container ports of the selected containers.
func containerPorts(containers []Container, keep func(Container) bool) string {
	out := []string{}
	for _, c := range containers {
		if !keep(c) {
			continue
		}
		for _, p := range c.Ports {
			if p.Protocol == "UDP" || p.Protocol == "SCTP" {
				continue
			}
			out = append(out, strconv.Itoa(int(p.ContainerPort)))
		}
	}
	return strings.Join(out, ",")
}

func includeInboundPorts(containers []Container) string {
	return containerPorts(containers, func(Container) bool { return true })
}

func applicationPorts(containers []Container) string {
	return containerPorts(containers, func(c Container) bool { return c.Name != "istio-proxy" })
}

func valueOrDefault(value any, def any) any {
	if value == nil || value == "" {
		return def
	}
	return value
}

func toJSONString(m map[string]string) string {
	if m == nil {
		return "{}"
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func fromJSON(s string) any {
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return "{}"
	}
	return out
}

func structToJSON(v any) string {
	if v == nil {
		return "{}"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// protoToJSON stands in for istiod's proto JSON marshalling of the (default-trimmed) ProxyConfig.
func protoToJSON(v any) string {
	if v == nil {
		return "{}"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func toYaml(v any) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// indent prefixes every line but the first with n spaces (istiod's variant, unlike sprig's).
func indent(n int, s string) string {
	lines := strings.Split(s, "\n")
	pad := strings.Repeat(" ", n)
	for i := 1; i < len(lines); i++ {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n")
}

func directory(p string) string {
	dir, _ := path.Split(p)
	return dir
}

func contains(needle, haystack string) bool { return strings.Contains(haystack, needle) }

// appendMultusNetwork adds the network to a Multus networks annotation (list or JSON form) once.
func appendMultusNetwork(existing, network string) string {
	if existing == "" {
		return network
	}
	if i := strings.LastIndex(existing, "]"); i != -1 {
		var nets []map[string]any
		if err := json.Unmarshal([]byte(existing), &nets); err != nil {
			return existing
		}
		ns, name := "", network
		if parts := strings.SplitN(network, "/", 2); len(parts) == 2 {
			ns, name = parts[0], parts[1]
		}
		for _, n := range nets {
			if n["name"] == name {
				got := n["namespace"]
				if got == nil {
					got = ""
				}
				if got == ns {
					return existing
				}
			}
		}
		entry := fmt.Sprintf(`, {"name": "%s"}`, name)
		if ns != "" {
			entry = fmt.Sprintf(`, {"name": "%s", "namespace": "%s"}`, name, ns)
		}
		return existing[:i] + entry + existing[i:]
	}
	for _, n := range strings.Split(existing, ",") {
		if strings.TrimSpace(n) == network {
			return existing
		}
	}
	return existing + ", " + network
}

func envOrDefault(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func omit(m map[string]string, keys ...string) map[string]string {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	out := map[string]string{}
	for k, v := range m {
		if !drop[k] {
			out[k] = v
		}
	}
	return out
}

func strdict(kv ...string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		if i+1 < len(kv) {
			out[kv[i]] = kv[i+1]
		} else {
			out[kv[i]] = ""
		}
	}
	return out
}

func mergeMaps(maps ...map[string]string) map[string]string {
	if len(maps) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func toJSONMap(maps ...map[string]string) string {
	b, err := json.Marshal(mergeMaps(maps...))
	if err != nil {
		return ""
	}
	return string(b)
}

// omitNil drops nil entries from maps and lists, recursively; emptied containers become nil.
func omitNil(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case map[string]any:
		out := map[string]any{}
		for k, item := range t {
			if f := omitNil(item); f != nil {
				out[k] = f
			}
		}
		if len(out) == 0 && len(t) > 0 {
			return nil
		}
		return out
	case []any:
		out := []any{}
		for _, item := range t {
			if f := omitNil(item); f != nil {
				out = append(out, f)
			}
		}
		if len(out) == 0 && len(t) > 0 {
			return nil
		}
		return out
	default:
		return v
	}
}

func formatDuration(seconds float64) string {
	return (time.Duration(seconds * float64(time.Second))).String()
}

// imageTagDigest splits "[registry/]name[:tag][@digest]" into tag and digest.
func imageTagDigest(image string) (string, string) {
	digest := ""
	if i := strings.Index(image, "@"); i >= 0 {
		digest = image[i+1:]
		image = image[:i]
	}
	tag := ""
	if c := strings.LastIndex(image, ":"); c > strings.LastIndex(image, "/") {
		tag = image[c+1:]
	}
	return tag, digest
}

// otelResourceAttributes builds OTEL_RESOURCE_ATTRIBUTES when an OpenTelemetry provider asks for
// OTEL_SEMANTIC_CONVENTIONS enrichment; otherwise it returns "".
func otelResourceAttributes(mc *MeshConfig, annotations, labels map[string]string, namespace string, containers []Container) string {
	enabled := false
	if mc != nil {
		for _, p := range mc.ExtensionProviders {
			if p.Opentelemetry != nil && p.Opentelemetry.ServiceAttributeEnrichment == "OTEL_SEMANTIC_CONVENTIONS" {
				enabled = true
				break
			}
		}
	}
	if !enabled {
		return ""
	}
	attrs := []string{}
	if v := annotations["resource.opentelemetry.io/service.namespace"]; v != "" {
		attrs = append(attrs, "service.namespace="+v)
	} else if namespace != "" {
		attrs = append(attrs, "service.namespace="+namespace)
	}
	if v := annotations["resource.opentelemetry.io/service.version"]; v != "" {
		attrs = append(attrs, "service.version="+v)
	} else if v := labels["app.kubernetes.io/version"]; v != "" {
		attrs = append(attrs, "service.version="+v)
	} else if len(containers) == 1 {
		tag, digest := imageTagDigest(containers[0].Image)
		switch {
		case tag != "" && digest != "":
			attrs = append(attrs, "service.version="+tag+"@"+digest)
		case digest != "":
			attrs = append(attrs, "service.version="+digest)
		case tag != "":
			attrs = append(attrs, "service.version="+tag)
		}
	}
	if v := annotations["resource.opentelemetry.io/service.instance.id"]; v != "" {
		attrs = append(attrs, "service.instance.id="+v)
	} else if len(containers) > 0 {
		attrs = append(attrs, "service.instance.id="+namespace+".$(POD_NAME)."+containers[0].Name)
	}
	return strings.Join(attrs, ",")
}

func istioFuncs() template.FuncMap {
	return template.FuncMap{
		"formatDuration":         formatDuration,
		"isset":                  isset,
		"excludeInboundPort":     excludeInboundPort,
		"includeInboundPorts":    includeInboundPorts,
		"kubevirtInterfaces":     func(s string) string { return s },
		"excludeInterfaces":      func(s string) string { return s },
		"applicationPorts":       applicationPorts,
		"annotation":             annotation,
		"valueOrDefault":         valueOrDefault,
		"toJSON":                 toJSONString,
		"fromJSON":               fromJSON,
		"structToJSON":           structToJSON,
		"protoToJSON":            protoToJSON,
		"toYaml":                 toYaml,
		"indent":                 indent,
		"directory":              directory,
		"contains":               contains,
		"toLower":                strings.ToLower,
		"appendMultusNetwork":    appendMultusNetwork,
		"env":                    envOrDefault,
		"omit":                   omit,
		"strdict":                strdict,
		"toJsonMap":              toJSONMap,
		"mergeMaps":              mergeMaps,
		"omitNil":                omitNil,
		"otelResourceAttributes": otelResourceAttributes,
	}
}

// parse parses a template the way istiod does (sprig first, istiod's helpers on top), but with
// missingkey=error.
func parse(name, text string) (*template.Template, error) {
	return template.New(name).Option("missingkey=error").Funcs(sprig.TxtFuncMap()).Funcs(istioFuncs()).Parse(text)
}

// ---------------------------------------------------------------------------------------------
// `config` and `values` decoding.
// ---------------------------------------------------------------------------------------------

// labelSelector mirrors metav1.LabelSelector.
type labelSelector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []struct {
		Key      string   `json:"key"`
		Operator string   `json:"operator"`
		Values   []string `json:"values,omitempty"`
	} `json:"matchExpressions,omitempty"`
}

// injectConfig mirrors istiod's injection Config (JSON names as istiod reads them).
type injectConfig struct {
	Policy               string              `json:"policy"`
	DefaultTemplates     []string            `json:"defaultTemplates"`
	RawTemplates         map[string]string   `json:"templates"`
	Aliases              map[string][]string `json:"aliases"`
	NeverInjectSelector  []labelSelector     `json:"neverInjectSelector"`
	AlwaysInjectSelector []labelSelector     `json:"alwaysInjectSelector"`
	InjectedAnnotations  map[string]string   `json:"injectedAnnotations"`
}

// typedValues holds the fields of upstream's Values message that istiod's Go code reads during
// injection. Decoding with encoding/json ignores unknown fields (as istiod's fallback decode does)
// but rejects a known field of the wrong type.
type typedValues struct {
	Global struct {
		Hub          string `json:"hub"`
		Tag          any    `json:"tag"`
		Variant      string `json:"variant"`
		Network      string `json:"network"`
		MultiCluster struct {
			ClusterName string `json:"clusterName"`
		} `json:"multiCluster"`
		Proxy struct {
			Image                           string `json:"image"`
			HoldApplicationUntilProxyStarts *bool  `json:"holdApplicationUntilProxyStarts"`
		} `json:"proxy"`
	} `json:"global"`
	SidecarInjectorWebhook struct {
		RewriteAppHTTPProbe *bool `json:"rewriteAppHTTPProbe"`
	} `json:"sidecarInjectorWebhook"`
}

// proxyImage derives `<hub>/<image>:<tag>[-<variant>]` the way istiod's ProxyImage does, without a
// ProxyConfig image type or a `sidecar.istio.io/proxyImageType` annotation.
func proxyImage(v typedValues) string {
	name := "proxyv2"
	if v.Global.Proxy.Image != "" {
		name = v.Global.Proxy.Image
	}
	tag := ""
	if v.Global.Tag != nil {
		tag = fmt.Sprint(v.Global.Tag)
	}
	if v.Global.Variant != "" {
		for _, known := range []string{"distroless", "debug"} {
			if strings.HasSuffix(tag, "-"+known) {
				tag = strings.TrimSuffix(tag, "-"+known)
				break
			}
		}
		if v.Global.Variant != "default" {
			tag = tag + "-" + v.Global.Variant
		}
	}
	return v.Global.Hub + "/" + name + ":" + tag
}

type request struct {
	Template     string          `json:"template"`
	Config       string          `json:"config"`
	TemplateName string          `json:"templateName"`
	Values       *string         `json:"values"`
	Data         json.RawMessage `json:"data"`
}

type configSummary struct {
	Policy               string              `json:"policy"`
	DefaultTemplates     []string            `json:"defaultTemplates"`
	Templates            []string            `json:"templates"`
	Aliases              map[string][]string `json:"aliases"`
	NeverInjectSelector  []labelSelector     `json:"neverInjectSelector"`
	AlwaysInjectSelector []labelSelector     `json:"alwaysInjectSelector"`
	InjectedAnnotations  map[string]string   `json:"injectedAnnotations"`
	ProxyImage           string              `json:"proxyImage,omitempty"`
	ClusterName          string              `json:"clusterName,omitempty"`
	Network              string              `json:"network,omitempty"`
	HoldApplication      *bool               `json:"holdApplicationUntilProxyStarts,omitempty"`
	RewriteAppHTTPProbe  *bool               `json:"rewriteAppHTTPProbe,omitempty"`
}

func run(in io.Reader, out io.Writer) error {
	raw, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return fmt.Errorf("reading request: %v", err)
	}

	data := TemplateData{}
	if len(req.Data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.Data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&data); err != nil {
			return fmt.Errorf("reading data: %v", err)
		}
	}
	if data.ProxyConfig == nil {
		data.ProxyConfig = &ProxyConfig{}
	}
	if data.MeshConfig == nil {
		data.MeshConfig = &MeshConfig{}
	}

	var typed typedValues
	if req.Values != nil {
		// istiod: sigs.k8s.io/yaml into map[string]any for .Values, and a typed decode.
		values := map[string]any{}
		if err := yaml.Unmarshal([]byte(*req.Values), &values); err != nil {
			return fmt.Errorf("parsing values: %v", err)
		}
		data.Values = values
		asJSON, err := yaml.YAMLToJSON([]byte(*req.Values))
		if err != nil {
			return fmt.Errorf("parsing values: %v", err)
		}
		if err := json.Unmarshal(asJSON, &typed); err != nil {
			return fmt.Errorf("decoding typed values: %v", err)
		}
		if data.ProxyImage == "" {
			data.ProxyImage = proxyImage(typed)
		}
	}

	var tmpl *template.Template
	switch {
	case req.Config != "":
		var cfg injectConfig
		if err := yaml.UnmarshalStrict([]byte(req.Config), &cfg); err != nil {
			return fmt.Errorf("parsing config: %v", err)
		}
		if len(cfg.DefaultTemplates) == 0 {
			cfg.DefaultTemplates = []string{"sidecar"}
		}
		parsed := map[string]*template.Template{}
		names := []string{}
		for name, text := range cfg.RawTemplates {
			t, err := parse("inject", text)
			if err != nil {
				return fmt.Errorf("parsing template %q: %v", name, err)
			}
			parsed[name] = t
			names = append(names, name)
		}
		sort.Strings(names)
		if req.TemplateName == "" {
			summary := configSummary{
				Policy:               cfg.Policy,
				DefaultTemplates:     cfg.DefaultTemplates,
				Templates:            names,
				Aliases:              cfg.Aliases,
				NeverInjectSelector:  cfg.NeverInjectSelector,
				AlwaysInjectSelector: cfg.AlwaysInjectSelector,
				InjectedAnnotations:  cfg.InjectedAnnotations,
			}
			if req.Values != nil {
				summary.ProxyImage = data.ProxyImage
				summary.ClusterName = typed.Global.MultiCluster.ClusterName
				summary.Network = typed.Global.Network
				summary.HoldApplication = typed.Global.Proxy.HoldApplicationUntilProxyStarts
				summary.RewriteAppHTTPProbe = typed.SidecarInjectorWebhook.RewriteAppHTTPProbe
			}
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(summary)
		}
		t, ok := parsed[req.TemplateName]
		if !ok {
			return fmt.Errorf("template %q not found; have %s", req.TemplateName, strings.Join(names, ", "))
		}
		tmpl = t
	case req.Template != "":
		t, err := parse("inject", req.Template)
		if err != nil {
			return fmt.Errorf("parsing template: %v", err)
		}
		tmpl = t
	default:
		return fmt.Errorf("request needs either template or config")
	}

	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, &data); err != nil {
		return fmt.Errorf("rendering: %v", err)
	}
	_, err = out.Write(buf.Bytes())
	return err
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "inject-render:", err)
		os.Exit(1)
	}
}
