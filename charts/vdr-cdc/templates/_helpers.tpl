{{/* Chart name, overridable with nameOverride. */}}
{{- define "vdr-cdc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: fullnameOverride, else "<release>-<chart>" (just "<release>" when it contains the chart name). */}}
{{- define "vdr-cdc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version for the helm.sh/chart label. */}}
{{- define "vdr-cdc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "vdr-cdc.labels" -}}
helm.sh/chart: {{ include "vdr-cdc.chart" . }}
{{ include "vdr-cdc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the pod. */}}
{{- define "vdr-cdc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vdr-cdc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* ServiceAccount name. */}}
{{- define "vdr-cdc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vdr-cdc.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference; the tag defaults to the chart's appVersion. */}}
{{- define "vdr-cdc.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Where the rendered application configuration is mounted, and the file passed with --config. */}}
{{- define "vdr-cdc.configDir" -}}/etc/vdr-cdc{{- end }}
{{- define "vdr-cdc.configFile" -}}{{ include "vdr-cdc.configDir" . }}/vdr-cdc.json{{- end }}

{{/* Mount directories of the referenced secrets. */}}
{{- define "vdr-cdc.secretsDir" -}}/etc/vdr-cdc/secrets{{- end }}
