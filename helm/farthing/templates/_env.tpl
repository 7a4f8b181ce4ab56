{{/*
The env of a service's container, as the chart sets it: (dict "root" $root "component" "auth").
deployment.yaml appends <component>.env after checking it sets none of these names.
*/}}
{{- define "farthing.env" -}}
{{- $root := .root }}
{{- $component := .component }}
{{- $fact := include "farthing.fact" (dict "component" $component) | fromYaml }}
{{- $values := index $root.Values $component }}
{{- $secrets := $root.Values.secrets }}
{{- $authHost := include "farthing.componentName" (dict "root" $root "component" "auth") }}
- name: FARTHING_DB_HOST
  value: {{ $root.Values.postgresql.host | quote }}
- name: FARTHING_DB_PORT
  value: {{ $root.Values.postgresql.port | quote }}
- name: FARTHING_DB_NAME
  value: {{ index $root.Values.postgresql.databases $component | quote }}
{{- $db := index $secrets.database $component }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_DB_USER" "secret" $db "key" "username") | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_DB_PASSWORD" "secret" $db "key" "password") | nindent 0 }}
{{- if $fact.redis }}
- name: FARTHING_REDIS_HOST
  value: {{ $root.Values.redis.host | quote }}
- name: FARTHING_REDIS_PORT
  value: {{ $root.Values.redis.port | quote }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_REDIS_PASSWORD" "secret" $secrets.redis "key" "password" "optional" true) | nindent 0 }}
{{- end }}
- name: FARTHING_JWT_ISSUER
  value: {{ $root.Values.jwt.issuer | quote }}
- name: FARTHING_JWKS_URL
  {{- if eq $component "auth" }}
  value: "http://127.0.0.1:{{ $fact.port }}/.well-known/jwks.json"
  {{- else }}
  value: "http://{{ $authHost }}:{{ (include "farthing.fact" (dict "component" "auth") | fromYaml).port }}/.well-known/jwks.json"
  {{- end }}
- name: FARTHING_LOG_JSON
  value: {{ $root.Values.logging.json | quote }}
# prod as built, plus the k8s profile: settings that only make sense in a cluster (gRPC discovery).
- name: QUARKUS_PROFILE
  value: prod,k8s
- name: QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING
  value: {{ ne $root.Values.proxy.trustedProxies "" | quote }}
- name: QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED
  value: {{ ne $root.Values.proxy.trustedProxies "" | quote }}
- name: QUARKUS_HTTP_PROXY_TRUSTED_PROXIES
  value: {{ default "127.0.0.1" $root.Values.proxy.trustedProxies | quote }}
{{- if eq $component "auth" }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_DATA_KEYS" "secret" $secrets.auth "key" "dataKeys") | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_BLIND_INDEX_KEY" "secret" $secrets.auth "key" "blindIndexKey") | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_ADMIN_EMAIL" "secret" $secrets.auth "key" "adminEmail" "optional" true) | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_ADMIN_PASSWORD" "secret" $secrets.auth "key" "adminPassword" "optional" true) | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_PAYMENTS_CLIENT_SECRET" "secret" $secrets.paymentsClient "key" "clientSecret") | nindent 0 }}
{{- end }}
{{- if eq $component "payments" }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_PAYMENTS_CLIENT_SECRET" "secret" $secrets.paymentsClient "key" "clientSecret") | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_PAYMENT_REQUEST_KEY" "secret" $secrets.payments "key" "paymentRequestKey") | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_PAYMENT_REQUEST_KEY_ID" "secret" $secrets.payments "key" "paymentRequestKeyId" "optional" true) | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_PAYMENT_REQUEST_PREVIOUS_KEYS" "secret" $secrets.payments "key" "paymentRequestPreviousKeys" "optional" true) | nindent 0 }}
- name: FARTHING_PAYMENT_REQUEST_BASE_URL
  value: {{ $values.paymentRequestBaseUrl | quote }}
{{- end }}
{{- if eq $component "notify" }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_WEBHOOK_KEYS" "secret" $secrets.notify "key" "webhookKeys") | nindent 0 }}
- name: FARTHING_SMTP_HOST
  value: {{ $values.smtp.host | quote }}
- name: FARTHING_SMTP_PORT
  value: {{ $values.smtp.port | quote }}
- name: FARTHING_SMTP_STARTTLS
  value: {{ $values.smtp.startTls | quote }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_SMTP_USER" "secret" $secrets.notify "key" "smtpUser" "optional" true) | nindent 0 }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_SMTP_PASSWORD" "secret" $secrets.notify "key" "smtpPassword" "optional" true) | nindent 0 }}
- name: FARTHING_MAIL_FROM
  value: {{ $values.smtp.from | quote }}
- name: FARTHING_SMS_SENDER
  value: {{ $values.sms.sender | quote }}
- name: FARTHING_SMS_URL
  value: {{ $values.sms.url | quote }}
{{- include "farthing.secretEnv" (dict "name" "FARTHING_SMS_API_KEY" "secret" $secrets.notify "key" "smsApiKey" "optional" true) | nindent 0 }}
{{- end }}
{{- if $fact.grpcClients }}
- name: FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS
  value: {{ $root.Values.pod.grpcDiscovery.refreshSeconds | quote }}
{{- end }}
{{- range $peer := $fact.calls }}
{{- $peerFact := include "farthing.fact" (dict "component" $peer) | fromYaml }}
{{- $PEER := upper $peer }}
{{- if has $peer $fact.grpcClients }}
- name: FARTHING_{{ $PEER }}_HOST
  value: {{ include "farthing.componentName" (dict "root" $root "component" $peer) }}
- name: FARTHING_{{ $PEER }}_PORT
  value: {{ $peerFact.port | quote }}
# gRPC to {{ $peer }}-svc: the service's `k8s` profile points its Stork DNS discovery at the
# headless Service (A records, one per ready pod), re-resolved every refresh, one pod per call.
- name: FARTHING_{{ $PEER }}_DISCOVERY_HOST
  value: {{ include "farthing.headlessHost" (dict "root" $root "component" $peer) }}
{{- end }}
{{- end }}
{{- end -}}
