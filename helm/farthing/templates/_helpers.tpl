{{/*
Names, labels and the per-service facts every template shares.
*/}}

{{- define "farthing.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
<release>, or <release>-<name> when the release name does not contain the chart name. At most 45
characters, so `<fullname>-payments-headless` stays a valid 63-character DNS label.
*/}}
{{- define "farthing.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "farthing.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The four services in a fixed order; every per-service template ranges over this. */}}
{{- define "farthing.components" -}}
auth payments risk notify
{{- end -}}

{{/*
Facts about a service that are not settings: its module (container and image name), the port
it listens on (REST and gRPC), whether it uses Redis, the services it calls over gRPC or HTTP,
the services that call it, and whether the public reaches it. Matches DESIGN.md.
*/}}
{{- define "farthing.facts" -}}
auth:
  module: auth-svc
  port: 8101
  redis: true
  calls: [notify]
  grpcClients: [notify]
  calledBy: [payments, risk, notify]
  public: true
payments:
  module: payments-svc
  port: 8102
  redis: false
  calls: [auth, risk, notify]
  grpcClients: [auth, risk, notify]
  calledBy: []
  public: true
risk:
  module: risk-svc
  port: 8103
  redis: true
  calls: [auth]
  grpcClients: []
  calledBy: [payments]
  public: false
notify:
  module: notify-svc
  port: 8104
  redis: true
  calls: [auth]
  grpcClients: []
  calledBy: [auth, payments]
  public: true
{{- end -}}

{{/* facts of one component: include "farthing.fact" (dict "component" "auth") | fromYaml */}}
{{- define "farthing.fact" -}}
{{- index (include "farthing.facts" . | fromYaml) .component | toYaml -}}
{{- end -}}

{{/* Object name of a component: <fullname>-<component>. Call with (dict "root" $ "component" "auth"). */}}
{{- define "farthing.componentName" -}}
{{- printf "%s-%s" (include "farthing.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select a component's pods: never change them on upgrade (selectors are immutable). */}}
{{- define "farthing.selectorLabels" -}}
app.kubernetes.io/name: {{ include "farthing.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "farthing.labels" -}}
{{ include "farthing.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: farthing
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "farthing.chart" .root }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels for objects that belong to the release rather than one component. */}}
{{- define "farthing.releaseLabels" -}}
app.kubernetes.io/name: {{ include "farthing.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: farthing
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "farthing.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "farthing.image" -}}
{{- $image := .root.Values.image -}}
{{- $tag := default .root.Chart.AppVersion $image.tag -}}
{{- if eq $image.flavor "jvm" -}}
{{- printf "%s/%s:%s-jvm" $image.registry .module $tag -}}
{{- else -}}
{{- printf "%s/%s:%s" $image.registry .module $tag -}}
{{- end -}}
{{- end -}}

{{/* In-cluster DNS name of a component's headless Service. */}}
{{- define "farthing.headlessHost" -}}
{{- printf "%s-headless.%s.svc.%s" (include "farthing.componentName" .) .root.Release.Namespace .root.Values.clusterDomain -}}
{{- end -}}

{{/*
A secretKeyRef env var from a declared secret: (dict "name" "ENV" "secret" <map with existingSecret
and keys> "key" "<logical key>" "optional" bool). Fails on a key the values do not declare.
*/}}
{{- define "farthing.secretEnv" -}}
{{- $key := index .secret.keys .key | required (printf "secrets: key %q is not declared" .key) -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret.existingSecret | required (printf "secrets: %s needs existingSecret" .name) }}
      key: {{ $key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}
