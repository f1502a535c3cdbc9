// The templates gallery's pure part: what each template asks for, how a form's text becomes values (with an
// error per field), and the manifest the values generate (plain objects, then YAML). The view validates the
// generated objects with the CLI's rules before offering to apply them.
import { stringify } from 'yaml';

export type TemplateId = 'nginx' | 'redis' | 'postgres' | 'static-site' | 'batch-job';

export type FieldId =
  | 'name'
  | 'namespace'
  | 'replicas'
  | 'image'
  | 'port'
  | 'serviceType'
  | 'nodePort'
  | 'password'
  | 'database'
  | 'html'
  | 'limit'
  | 'completions';

export type ServiceType = 'ClusterIP' | 'NodePort';
export const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort'];

export interface FieldSpec {
  readonly id: FieldId;
  readonly label: string;
  readonly input: 'text' | 'number' | 'select' | 'password' | 'textarea';
  readonly options?: readonly string[];
  readonly hint?: string;
}

export interface TemplateSpec {
  readonly id: TemplateId;
  readonly title: string;
  readonly description: string;
  readonly fields: readonly FieldId[];
}

/** What the form holds: text, as inputs give it. */
export type FormText = Record<FieldId, string>;

export interface TemplateValues {
  name: string;
  namespace: string;
  replicas: number;
  image: string;
  port: number;
  serviceType: ServiceType;
  /** Undefined: Shoal allocates one from 30000–32767. */
  nodePort?: number;
  password: string;
  database: string;
  html: string;
  limit: number;
  completions: number;
}

export const FIELDS: Readonly<Record<FieldId, FieldSpec>> = {
  name: { id: 'name', label: 'Name', input: 'text', hint: 'lower case letters, digits and -' },
  namespace: { id: 'namespace', label: 'Namespace', input: 'text' },
  replicas: { id: 'replicas', label: 'Replicas', input: 'number' },
  image: { id: 'image', label: 'Image', input: 'text' },
  port: { id: 'port', label: 'Service port', input: 'number' },
  serviceType: { id: 'serviceType', label: 'Service type', input: 'select', options: SERVICE_TYPES },
  nodePort: {
    id: 'nodePort',
    label: 'Node port',
    input: 'number',
    hint: 'NodePort only; empty lets Shoal pick one in 30000–32767',
  },
  password: { id: 'password', label: 'POSTGRES_PASSWORD', input: 'password', hint: 'kept in a Secret' },
  database: { id: 'database', label: 'POSTGRES_DB', input: 'text' },
  html: { id: 'html', label: 'index.html', input: 'textarea', hint: 'served from a ConfigMap' },
  limit: { id: 'limit', label: 'Count primes below', input: 'number' },
  completions: { id: 'completions', label: 'Completions', input: 'number' },
};

const SERVICE_FIELDS: readonly FieldId[] = ['port', 'serviceType', 'nodePort'];

export const TEMPLATES: readonly TemplateSpec[] = [
  {
    id: 'nginx',
    title: 'nginx',
    description: 'A web server: a Deployment of nginx and a Service in front of it.',
    fields: ['name', 'namespace', 'replicas', 'image', ...SERVICE_FIELDS],
  },
  {
    id: 'redis',
    title: 'Redis',
    description: 'An in-memory key-value store with a Service on 6379.',
    fields: ['name', 'namespace', 'replicas', 'image', ...SERVICE_FIELDS],
  },
  {
    id: 'postgres',
    title: 'PostgreSQL',
    description: 'A database (one replica, data in the container) with its password in a Secret.',
    fields: ['name', 'namespace', 'image', 'password', 'database', ...SERVICE_FIELDS],
  },
  {
    id: 'static-site',
    title: 'Static site',
    description: 'busybox httpd serving an index.html kept in a ConfigMap.',
    fields: ['name', 'namespace', 'replicas', 'image', 'html', ...SERVICE_FIELDS],
  },
  {
    id: 'batch-job',
    title: 'Batch job',
    description: 'A Job: busybox counts prime numbers, prints the result and exits.',
    fields: ['name', 'namespace', 'image', 'limit', 'completions'],
  },
];

export function templateSpec(id: TemplateId): TemplateSpec {
  const spec = TEMPLATES.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown template "${id}"`);
  return spec;
}

/** The port each image listens on inside its container. */
const CONTAINER_PORT: Record<Exclude<TemplateId, 'batch-job'>, number> = {
  nginx: 80,
  redis: 6379,
  postgres: 5432,
  'static-site': 8080,
};

const DEFAULT_HTML = `<!doctype html>
<html>
  <head><title>Hello from Shoal</title></head>
  <body><h1>Hello from Shoal</h1><p>This page is served from a ConfigMap.</p></body>
</html>
`;

/** Base64 of the UTF-8 bytes of a text, with browser APIs only. */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** A password nobody has to type: 18 random bytes as base64url. */
export function randomSecret(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function defaultFormText(id: TemplateId, makeSecret: () => string = randomSecret): FormText {
  const base: FormText = {
    name: id === 'batch-job' ? 'primes' : id,
    namespace: 'default',
    replicas: id === 'nginx' || id === 'static-site' ? '2' : '1',
    image: '',
    port: '',
    serviceType: id === 'nginx' || id === 'static-site' ? 'NodePort' : 'ClusterIP',
    nodePort: '',
    password: id === 'postgres' ? makeSecret() : '',
    database: id === 'postgres' ? 'app' : '',
    html: DEFAULT_HTML,
    limit: '5000',
    completions: '1',
  };
  switch (id) {
    case 'nginx':
      return { ...base, image: 'nginx:1.27-alpine', port: '80' };
    case 'redis':
      return { ...base, image: 'redis:7-alpine', port: '6379' };
    case 'postgres':
      return { ...base, image: 'postgres:16-alpine', port: '5432' };
    case 'static-site':
      return { ...base, image: 'busybox:1.36', port: '80' };
    case 'batch-job':
      return { ...base, image: 'busybox:1.36' };
  }
}

export type ReadResult =
  | { ok: true; values: TemplateValues }
  | { ok: false; errors: Partial<Record<FieldId, string>> };

function wholeNumber(text: string, min: number, max: number): number | string {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `must be a whole number from ${min} to ${max}`;
  const n = Number(trimmed);
  return n < min || n > max ? `must be from ${min} to ${max}` : n;
}

/**
 * The form's text as values, or an error per field that is not a number where one is needed (or an empty
 * password). Names and images are left to the model's validation, which says in Kubernetes' words what is
 * wrong with them.
 */
export function readFormText(id: TemplateId, text: FormText): ReadResult {
  const fields = new Set(templateSpec(id).fields);
  const errors: Partial<Record<FieldId, string>> = {};
  const number = (field: FieldId, min: number, max: number, fallback: number): number => {
    if (!fields.has(field)) return fallback;
    const n = wholeNumber(text[field], min, max);
    if (typeof n === 'string') {
      errors[field] = n;
      return fallback;
    }
    return n;
  };
  const serviceType = SERVICE_TYPES.find((t) => t === text.serviceType);
  if (fields.has('serviceType') && !serviceType) errors.serviceType = 'must be ClusterIP or NodePort';
  const wantsNodePort = serviceType === 'NodePort' && text.nodePort.trim() !== '';
  const values: TemplateValues = {
    name: text.name.trim(),
    namespace: text.namespace.trim(),
    replicas: number('replicas', 0, 1000, 1),
    image: text.image.trim(),
    port: number('port', 1, 65535, 80),
    serviceType: serviceType ?? 'ClusterIP',
    nodePort: wantsNodePort ? number('nodePort', 30000, 32767, 30000) : undefined,
    password: text.password,
    database: text.database.trim(),
    html: text.html,
    limit: number('limit', 3, 1_000_000, 5000),
    completions: number('completions', 1, 100, 1),
  };
  if (fields.has('password') && values.password === '')
    errors.password = 'the postgres image refuses to start without a password';
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

type Manifest = Record<string, unknown>;

function meta(v: TemplateValues, name = v.name): Manifest {
  return v.namespace === ''
    ? { name, labels: { app: v.name } }
    : { name, namespace: v.namespace, labels: { app: v.name } };
}

function service(v: TemplateValues, targetPort: number): Manifest {
  const port: Manifest = { name: 'main', port: v.port, targetPort, protocol: 'TCP' };
  if (v.serviceType === 'NodePort' && v.nodePort !== undefined) port.nodePort = v.nodePort;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(v),
    spec: { type: v.serviceType, selector: { app: v.name }, ports: [port] },
  };
}

function deployment(v: TemplateValues, replicas: number, pod: Manifest): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(v),
    spec: {
      replicas,
      selector: { matchLabels: { app: v.name } },
      template: { metadata: { labels: { app: v.name } }, spec: pod },
    },
  };
}

const PRIMES_SCRIPT = `count=0
i=2
while [ "$i" -lt "$LIMIT" ]; do
  j=2
  prime=1
  while [ $((j * j)) -le "$i" ]; do
    if [ $((i % j)) -eq 0 ]; then prime=0; break; fi
    j=$((j + 1))
  done
  [ "$prime" -eq 1 ] && count=$((count + 1))
  i=$((i + 1))
done
echo "$count primes below $LIMIT"
`;

/** The objects a template makes, in the order they should be applied (config before its users). */
export function generateObjects(id: TemplateId, v: TemplateValues): Manifest[] {
  switch (id) {
    case 'nginx': {
      const port = CONTAINER_PORT.nginx;
      const pod = {
        containers: [
          {
            name: 'nginx',
            image: v.image,
            ports: [{ name: 'http', containerPort: port }],
            readinessProbe: { httpGet: { path: '/', port } },
          },
        ],
      };
      return [deployment(v, v.replicas, pod), service(v, port)];
    }
    case 'redis': {
      const port = CONTAINER_PORT.redis;
      const pod = {
        containers: [
          {
            name: 'redis',
            image: v.image,
            ports: [{ name: 'redis', containerPort: port }],
            readinessProbe: { tcpSocket: { port } },
          },
        ],
      };
      return [deployment(v, v.replicas, pod), service(v, port)];
    }
    case 'postgres': {
      const port = CONTAINER_PORT.postgres;
      const secretName = `${v.name}-credentials`;
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta(v, secretName),
        type: 'Opaque',
        // `data` rather than `stringData`: the model folds stringData with Node's Buffer, which a browser lacks.
        data: { POSTGRES_PASSWORD: base64Utf8(v.password) },
      };
      const env: Manifest[] = [
        {
          name: 'POSTGRES_PASSWORD',
          valueFrom: { secretKeyRef: { name: secretName, key: 'POSTGRES_PASSWORD' } },
        },
      ];
      if (v.database !== '') env.push({ name: 'POSTGRES_DB', value: v.database });
      const pod = {
        containers: [
          {
            name: 'postgres',
            image: v.image,
            env,
            ports: [{ name: 'postgres', containerPort: port }],
            readinessProbe: { tcpSocket: { port } },
          },
        ],
      };
      // One replica: each replica would have its own, diverging data.
      return [secret, deployment(v, 1, pod), service(v, port)];
    }
    case 'static-site': {
      const port = CONTAINER_PORT['static-site'];
      const configMapName = `${v.name}-content`;
      const configMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta(v, configMapName),
        data: { 'index.html': v.html },
      };
      const pod = {
        containers: [
          {
            name: 'httpd',
            image: v.image,
            command: ['httpd', '-f', '-v', '-p', String(port), '-h', '/www'],
            ports: [{ name: 'http', containerPort: port }],
            volumeMounts: [{ name: 'content', mountPath: '/www', readOnly: true }],
            readinessProbe: { httpGet: { path: '/', port } },
          },
        ],
        volumes: [{ name: 'content', configMap: { name: configMapName } }],
      };
      return [configMap, deployment(v, v.replicas, pod), service(v, port)];
    }
    case 'batch-job':
      return [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(v),
          spec: {
            completions: v.completions,
            parallelism: 1,
            backoffLimit: 2,
            template: {
              metadata: { labels: { app: v.name } },
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'primes',
                    image: v.image,
                    command: ['sh', '-c', PRIMES_SCRIPT],
                    env: [{ name: 'LIMIT', value: String(v.limit) }],
                  },
                ],
              },
            },
          },
        },
      ];
  }
}

/**
 * Multi-document YAML, as a person would write it: one document per object. Written as YAML 1.1, the
 * version manifests are read with, so text such as `yes` or `0644` stays quoted and stays text.
 */
export function manifestYaml(objects: readonly Manifest[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n');
}
