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
// key that the values document does not carry fails here instead of rendering "<no value>";
// "lenient": true parses them exactly as istiod does (for upstream's templates).
//
// With "input": "deployment" the request instead plays istiod's Gateway API deployment controller
// (pilot/pkg/config/kube/gatewaycommon): "data" is then a DeploymentTemplateData whose "Gateway"
// holds a Gateway API Gateway; the fields istiod derives from it (deployment and service account
// names, service ports, service type, infrastructure labels and annotations, ...) are derived the
// same way when the request leaves them unset, the template is the one the Gateway's class names
// (`kube-gateway` for class `istio`, `waypoint` for `istio-waypoint` when "ambient" is true), and
// the answer is a JSON DeploymentResult: the rendered text and which of its documents istiod would
// apply or drop.
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

// UID mirrors types.UID: a named string type, like the one templates receive.
type UID string

// ObjectMeta mirrors the metav1.ObjectMeta fields templates use.
type ObjectMeta struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	UID         UID               `json:"uid,omitempty"`
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
// Deployment-controller template data: the subset of istiod's TemplateInput / derivedInput
// (pilot/pkg/config/kube/gatewaycommon) and of the Gateway API types that templates can reach.
// ---------------------------------------------------------------------------------------------

// GatewayAddress mirrors gateway.GatewaySpecAddress.
type GatewayAddress struct {
	Type  *string `json:"type,omitempty"`
	Value string  `json:"value"`
}

// Listener mirrors the gateway.Listener fields the controller reads.
type Listener struct {
	Name     string  `json:"name"`
	Hostname *string `json:"hostname,omitempty"`
	Port     int32   `json:"port"`
	Protocol string  `json:"protocol"`
}

// GatewayInfrastructure mirrors gateway.GatewayInfrastructure (without parametersRef).
type GatewayInfrastructure struct {
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// GatewaySpec mirrors the gateway.GatewaySpec fields templates and the controller use.
type GatewaySpec struct {
	GatewayClassName string                 `json:"gatewayClassName"`
	Listeners        []Listener             `json:"listeners,omitempty"`
	Addresses        []GatewayAddress       `json:"addresses,omitempty"`
	Infrastructure   *GatewayInfrastructure `json:"infrastructure,omitempty"`
}

// Gateway mirrors gateway.Gateway: TypeMeta and ObjectMeta are embedded, so templates reach
// `.Name`, `.Namespace`, `.UID`, `.Labels`, `.Annotations` and `.ObjectMeta` through it.
type Gateway struct {
	TypeMeta
	ObjectMeta `json:"metadata"`
	Spec       GatewaySpec `json:"spec"`
}

// ServiceType mirrors corev1.ServiceType.
type ServiceType string

// ServicePort mirrors the corev1.ServicePort fields the controller fills; AppProtocol is a
// pointer, as in corev1.
type ServicePort struct {
	Name        string  `json:"name,omitempty"`
	Protocol    string  `json:"protocol,omitempty"`
	AppProtocol *string `json:"appProtocol,omitempty"`
	Port        int32   `json:"port"`
}

// TemplateInput carries the field names of istiod's gatewaycommon.TemplateInput.
type TemplateInput struct {
	*Gateway                  `json:"Gateway"`
	GatewayClass              string
	DeploymentName            string
	ServiceAccount            string
	Ports                     []ServicePort
	ServiceType               ServiceType
	ClusterID                 string
	KubeVersion               int
	Revision                  string
	NativeSidecars            bool
	ProxyUID                  int64
	ProxyGID                  int64
	CompliancePolicy          string
	InfrastructureLabels      map[string]string
	InfrastructureAnnotations map[string]string
	GatewayNameLabel          string
	IsEastWestGateway         bool
	ControllerLabel           string
}

// DeploymentTemplateData carries the field names of istiod's derivedInput: the TemplateInput plus
// what the controller takes from the injection config.
type DeploymentTemplateData struct {
	TemplateInput
	ProxyImage        string
	AgentgatewayImage string
	ProxyConfig       *ProxyConfig
	MeshConfig        *MeshConfig
	Values            map[string]any
}

// classInfo holds the gatewaycommon.ClassInfo fields the controller uses while rendering.
type classInfo struct {
	Controller         string
	ControllerLabel    string
	Templates          string
	DefaultServiceType ServiceType
	DisableNameSuffix  bool
}

// gatewayClasses returns istiod 1.30's built-in managed classes with their default feature flags
// (PILOT_GATEWAY_API_DEFAULT_GATEWAYCLASS_NAME=istio, PILOT_GATEWAY_API_CONTROLLER_NAME=
// istio.io/gateway-controller). The waypoint class exists only when ambient is enabled
// (PILOT_ENABLE_AMBIENT, which turns PILOT_ENABLE_AMBIENT_WAYPOINTS on); the agentgateway and
// east-west classes (PILOT_ENABLE_AGENTGATEWAY, AMBIENT_ENABLE_MULTI_NETWORK, both off by default)
// are not modelled.
func gatewayClasses(ambient bool) map[string]classInfo {
	classes := map[string]classInfo{
		"istio": {
			Controller:         "istio.io/gateway-controller",
			ControllerLabel:    "istio.io-gateway-controller",
			Templates:          "kube-gateway",
			DefaultServiceType: "LoadBalancer",
		},
	}
	if ambient {
		classes["istio-waypoint"] = classInfo{
			Controller:         "istio.io/mesh-controller",
			ControllerLabel:    "istio.io-mesh-controller",
			Templates:          "waypoint",
			DefaultServiceType: "ClusterIP",
			DisableNameSuffix:  true,
		}
	}
	return classes
}

// infrastructureMetadata follows istiod's extractInfrastructureMetadata: spec.infrastructure wins
// (minus the gateway.networking.k8s.io/ prefix); otherwise the Gateway's own labels or annotations
// are copied (PILOT_ENABLE_GATEWAY_API_COPY_LABELS_ANNOTATIONS defaults to true).
func infrastructureMetadata(gw *Gateway, labels bool) map[string]string {
	out := map[string]string{}
	if infra := gw.Spec.Infrastructure; infra != nil {
		source := infra.Annotations
		if labels {
			source = infra.Labels
		}
		if source != nil {
			for k, v := range source {
				if !strings.HasPrefix(k, "gateway.networking.k8s.io/") {
					out[k] = v
				}
			}
			return out
		}
	}
	source := gw.Annotations
	if labels {
		source = gw.Labels
	}
	for k, v := range source {
		out[k] = v
	}
	return out
}

// servicePorts follows istiod's extractServicePorts: the status port first, then one port per
// distinct listener port, named after the listener (dots replaced, at most 63 characters) with the
// lower-cased listener protocol as appProtocol.
func servicePorts(listeners []Listener) []ServicePort {
	tcp := "tcp"
	ports := []ServicePort{{Name: "status-port", Port: 15021, AppProtocol: &tcp}}
	seen := map[int32]bool{}
	for i, l := range listeners {
		if seen[l.Port] {
			continue
		}
		seen[l.Port] = true
		name := strings.ReplaceAll(l.Name, ".", "-")
		if len(name) > 63 {
			name = name[:63]
		}
		if name == "" {
			name = fmt.Sprintf("%s-%d", strings.ToLower(l.Protocol), i)
		}
		appProtocol := strings.ToLower(l.Protocol)
		ports = append(ports, ServicePort{Name: name, Port: l.Port, AppProtocol: &appProtocol})
	}
	return ports
}

// deriveInput fills the TemplateInput fields the request left unset the way istiod's
// configureIstioGateway and setLabelOverrides compute them, and returns the Gateway's class.
func deriveInput(in *TemplateInput, ambient bool, network string) (classInfo, error) {
	gw := in.Gateway
	if gw == nil {
		return classInfo{}, fmt.Errorf("deployment data needs a Gateway")
	}
	className := gw.Spec.GatewayClassName
	class, ok := gatewayClasses(ambient)[className]
	if !ok {
		return classInfo{}, fmt.Errorf("gateway class %q is not a built-in managed class", className)
	}
	defaultName := gw.Name
	if !class.DisableNameSuffix {
		defaultName = gw.Name + "-" + className
	}
	pick := func(current, annotationName, fallback string) string {
		if current != "" {
			return current
		}
		if v := gw.Annotations[annotationName]; v != "" {
			return v
		}
		return fallback
	}
	if in.GatewayClass == "" {
		in.GatewayClass = className
	}
	in.DeploymentName = pick(in.DeploymentName, "gateway.istio.io/name-override", defaultName)
	in.ServiceAccount = pick(in.ServiceAccount, "gateway.istio.io/service-account", defaultName)
	if in.ServiceType == "" {
		in.ServiceType = class.DefaultServiceType
		if v, f := gw.Annotations["networking.istio.io/service-type"]; f {
			in.ServiceType = ServiceType(v)
		}
	}
	if in.Ports == nil {
		in.Ports = servicePorts(gw.Spec.Listeners)
	}
	if in.ClusterID == "" {
		in.ClusterID = "Kubernetes"
	}
	if in.ProxyUID == 0 {
		in.ProxyUID = 1337
	}
	if in.ProxyGID == 0 {
		in.ProxyGID = 1337
	}
	if in.InfrastructureLabels == nil {
		in.InfrastructureLabels = infrastructureMetadata(gw, true)
	}
	if in.InfrastructureAnnotations == nil {
		in.InfrastructureAnnotations = infrastructureMetadata(gw, false)
	}
	if in.GatewayNameLabel == "" {
		in.GatewayNameLabel = "gateway.networking.k8s.io/gateway-name"
	}
	if in.ControllerLabel == "" {
		in.ControllerLabel = class.ControllerLabel
	}
	// setLabelOverrides.
	isWaypoint := strings.Contains(className, "waypoint")
	isEastWest := strings.Contains(className, "east-west")
	_, gwHasMode := gw.Labels["istio.io/dataplane-mode"]
	_, infraHasMode := in.InfrastructureLabels["istio.io/dataplane-mode"]
	if ambient && !isWaypoint && !isEastWest && !gwHasMode && !infraHasMode {
		in.InfrastructureLabels["istio.io/dataplane-mode"] = "none"
	}
	if _, f := gw.Labels["topology.istio.io/network"]; !f && network != "" && (isWaypoint || isEastWest) {
		in.InfrastructureLabels["topology.istio.io/network"] = network
	}
	return class, nil
}

// splitDocuments follows istiod's yml.SplitString: split on lines starting with "---", trim,
// drop empty parts.
func splitDocuments(text string) []string {
	parts := []string{}
	current := strings.Builder{}
	for _, line := range strings.SplitAfter(text, "\n") {
		if strings.HasPrefix(line, "---") {
			parts = append(parts, current.String())
			current.Reset()
			continue
		}
		current.WriteString(line)
	}
	parts = append(parts, current.String())
	out := []string{}
	for _, p := range parts {
		if t := strings.TrimSpace(p); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// AppliedObject names one rendered document and what istiod does with it.
type AppliedObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
	// Action is "apply", or "drop" for the HorizontalPodAutoscaler and PodDisruptionBudget that
	// istiod only applies when a class or parametersRef ConfigMap overlays them.
	Action string `json:"action"`
	// ManagedBy is the gateway.istio.io/managed label istiod sets on applied objects.
	ManagedBy string `json:"managedBy,omitempty"`
}

// DeploymentResult is the answer to a "deployment" request.
type DeploymentResult struct {
	Template                  string            `json:"template"`
	DeploymentName            string            `json:"deploymentName"`
	ServiceAccount            string            `json:"serviceAccount"`
	ServiceType               ServiceType       `json:"serviceType"`
	Ports                     []ServicePort     `json:"ports"`
	InfrastructureLabels      map[string]string `json:"infrastructureLabels"`
	InfrastructureAnnotations map[string]string `json:"infrastructureAnnotations"`
	Rendered                  string            `json:"rendered"`
	Objects                   []AppliedObject   `json:"objects"`
}

// checkDocuments applies the checks of istiod's applyOverlay (without overlays) and apply() to
// every rendered document: a known kind, the Gateway's namespace, an expected name.
func checkDocuments(rendered string, in *TemplateInput, class classInfo) ([]AppliedObject, error) {
	supported := map[string]bool{"Deployment": true, "Service": true, "ServiceAccount": true, "HorizontalPodAutoscaler": true, "PodDisruptionBudget": true}
	overlayOnly := map[string]bool{"HorizontalPodAutoscaler": true, "PodDisruptionBudget": true}
	objects := []AppliedObject{}
	for i, doc := range splitDocuments(rendered) {
		var head struct {
			APIVersion string     `json:"apiVersion"`
			Kind       string     `json:"kind"`
			Metadata   ObjectMeta `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			return nil, fmt.Errorf("document %d: %v", i, err)
		}
		if !supported[head.Kind] {
			return nil, fmt.Errorf("document %d: unknown overlay kind %q", i, head.Kind)
		}
		obj := AppliedObject{APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace}
		if overlayOnly[head.Kind] {
			obj.Action = "drop"
			objects = append(objects, obj)
			continue
		}
		if obj.Namespace != in.Namespace {
			return nil, fmt.Errorf("%s %s: namespace %q does not match gateway namespace %q", obj.Kind, obj.Name, obj.Namespace, in.Namespace)
		}
		if obj.Name != in.DeploymentName && obj.Name != in.ServiceAccount && !strings.HasPrefix(obj.Name, in.Name) {
			return nil, fmt.Errorf("%s %s: unexpected object name", obj.Kind, obj.Name)
		}
		obj.Action = "apply"
		obj.ManagedBy = strings.ReplaceAll(class.Controller, "/", "-")
		objects = append(objects, obj)
	}
	return objects, nil
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

// parse parses a template the way istiod does (sprig first, istiod's helpers on top), with
// missingkey=error unless lenient (istiod's own setting: a missing map key renders "<no value>").
func parse(name, text string, lenient bool) (*template.Template, error) {
	t := template.New(name)
	if !lenient {
		t = t.Option("missingkey=error")
	}
	return t.Funcs(sprig.TxtFuncMap()).Funcs(istioFuncs()).Parse(text)
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
	Policy           string            `json:"policy"`
	DefaultTemplates []string          `json:"defaultTemplates"`
	RawTemplates     map[string]string `json:"templates"`
	// Template is a key upstream's chart writes (a version check) and istiod's lenient decode ignores.
	Template             string              `json:"template"`
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
	// Input selects the data shape: "" or "sidecar" (SidecarTemplateData, injection webhook) or
	// "deployment" (derivedInput, Gateway API deployment controller).
	Input string `json:"input"`
	// Ambient plays an istiod started with PILOT_ENABLE_AMBIENT=true (deployment input only).
	Ambient bool `json:"ambient"`
	// Lenient parses templates exactly as istiod does, without missingkey=error (for rendering
	// upstream's templates, which read values keys their defaults leave unset).
	Lenient bool `json:"lenient"`
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

// decodeValues reads the `values` key as istiod does: sigs.k8s.io/yaml into map[string]any for
// .Values, and a typed decode of the fields its Go code reads.
func decodeValues(text string) (map[string]any, typedValues, error) {
	var typed typedValues
	values := map[string]any{}
	if err := yaml.Unmarshal([]byte(text), &values); err != nil {
		return nil, typed, fmt.Errorf("parsing values: %v", err)
	}
	asJSON, err := yaml.YAMLToJSON([]byte(text))
	if err != nil {
		return nil, typed, fmt.Errorf("parsing values: %v", err)
	}
	if err := json.Unmarshal(asJSON, &typed); err != nil {
		return nil, typed, fmt.Errorf("decoding typed values: %v", err)
	}
	return values, typed, nil
}

// loadConfig parses the `config` key and every template in it, as istiod does when it loads the
// injection config (the deployment controller uses the same parsed templates).
func loadConfig(text string, lenient bool) (injectConfig, map[string]*template.Template, []string, error) {
	var cfg injectConfig
	if err := yaml.UnmarshalStrict([]byte(text), &cfg); err != nil {
		return cfg, nil, nil, fmt.Errorf("parsing config: %v", err)
	}
	if len(cfg.DefaultTemplates) == 0 {
		cfg.DefaultTemplates = []string{"sidecar"}
	}
	parsed := map[string]*template.Template{}
	names := []string{}
	for name, raw := range cfg.RawTemplates {
		t, err := parse("inject", raw, lenient)
		if err != nil {
			return cfg, nil, nil, fmt.Errorf("parsing template %q: %v", name, err)
		}
		parsed[name] = t
		names = append(names, name)
	}
	sort.Strings(names)
	return cfg, parsed, names, nil
}

func decodeData(raw json.RawMessage, into any) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("reading data: %v", err)
	}
	return nil
}

// runDeployment plays istiod's deployment controller for one Gateway.
func runDeployment(req *request, out io.Writer) error {
	if req.Config == "" {
		return fmt.Errorf("deployment input needs a config")
	}
	data := DeploymentTemplateData{}
	if err := decodeData(req.Data, &data); err != nil {
		return err
	}
	if data.ProxyConfig == nil {
		data.ProxyConfig = &ProxyConfig{}
	}
	if data.MeshConfig == nil {
		data.MeshConfig = &MeshConfig{}
	}
	var typed typedValues
	if req.Values != nil {
		values, t, err := decodeValues(*req.Values)
		if err != nil {
			return err
		}
		data.Values, typed = values, t
		if data.ProxyImage == "" {
			data.ProxyImage = proxyImage(typed)
		}
	}
	class, err := deriveInput(&data.TemplateInput, req.Ambient, typed.Global.Network)
	if err != nil {
		return err
	}
	_, parsed, _, err := loadConfig(req.Config, req.Lenient)
	if err != nil {
		return err
	}
	name := class.Templates
	if req.TemplateName != "" && req.TemplateName != name {
		return fmt.Errorf("class %q renders template %q, not %q", data.Spec.GatewayClassName, name, req.TemplateName)
	}
	tmpl, ok := parsed[name]
	if !ok {
		// The message istiod logs ("error rendering templates: ...").
		return fmt.Errorf("no %q template defined", name)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, &data); err != nil {
		return fmt.Errorf("rendering: %v", err)
	}
	objects, err := checkDocuments(buf.String(), &data.TemplateInput, class)
	if err != nil {
		return err
	}
	result := DeploymentResult{
		Template:                  name,
		DeploymentName:            data.DeploymentName,
		ServiceAccount:            data.ServiceAccount,
		ServiceType:               data.ServiceType,
		Ports:                     data.Ports,
		InfrastructureLabels:      data.InfrastructureLabels,
		InfrastructureAnnotations: data.InfrastructureAnnotations,
		Rendered:                  buf.String(),
		Objects:                   objects,
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(result)
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
	switch req.Input {
	case "", "sidecar":
	case "deployment":
		return runDeployment(&req, out)
	default:
		return fmt.Errorf("unknown input %q", req.Input)
	}

	data := TemplateData{}
	if err := decodeData(req.Data, &data); err != nil {
		return err
	}
	if data.ProxyConfig == nil {
		data.ProxyConfig = &ProxyConfig{}
	}
	if data.MeshConfig == nil {
		data.MeshConfig = &MeshConfig{}
	}

	var typed typedValues
	if req.Values != nil {
		values, t, err := decodeValues(*req.Values)
		if err != nil {
			return err
		}
		data.Values, typed = values, t
		if data.ProxyImage == "" {
			data.ProxyImage = proxyImage(typed)
		}
	}

	var tmpl *template.Template
	switch {
	case req.Config != "":
		cfg, parsed, names, err := loadConfig(req.Config, req.Lenient)
		if err != nil {
			return err
		}
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
		t, err := parse("inject", req.Template, req.Lenient)
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
