// Checks deploy/compose.yaml and the collector's configuration, offline.
//
//   node deploy/validate/validate-compose.mjs [compose file]     (default: deploy/compose.yaml)
//
// What is checked:
//   1. the file, with its YAML merge keys (<<) resolved, against the Compose Specification's
//      JSON schema (compose-spec.json beside this file, copied from compose-spec/compose-spec,
//      Apache-2.0, commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6): unknown keys at every
//      level, types, and the allowed values of depends_on conditions and restart policies;
//   2. the services this deployment is made of are there: postgres, its standby
//      postgres-standby, the three one-shot steps (migrate, migrate-identity, db-roles), two
//      service instances (ersou-1, ersou-2), otel-collector and jaeger;
//   3. the order: every depends_on names a service; the instances wait for db-roles to have
//      exited 0, which waits for migrate-identity, which waits for migrate, which waits for a
//      healthy postgres and a healthy (streaming) postgres-standby, which waits for a healthy
//      postgres;
//   3b. the standby: the primary's image, a healthcheck, an entrypoint script that exists and
//      copies the primary with pg_basebackup --write-recovery-conf; the primary's replication
//      settings (wal_level=replica, max_wal_senders, hot_standby=on) on its command line; the
//      standby's name (STANDBY_NAME) is the one the primary's synchronous_standby_names waits
//      for (compose/initdb/20-replication.sh), and both have the replication password;
//   3c. the connection strings: the instances name both servers (Host=postgres:5432,
//      postgres-standby:5432), the migration steps the primary only;
//   4. the instances' settings: Production, Storage__ApplySchemaOnStartup=false, the
//      certificate paths pointing at secrets the instance mounts, an OTLP endpoint, and one
//      https Identity__Issuer for both instances;
//   5. every published port is bound to 127.0.0.1, every secret is defined at the top level
//      with a file under ./secrets/ (git-ignored), and every bind-mounted file exists;
//   6. otel-collector.yaml: every pipeline's receivers, processors and exporters are defined.
//
// What is not checked: ${VARIABLE} interpolation (the values come from deploy/.env), whether
// the images exist or start, and whatever needs a Docker engine (`docker compose config` does
// more, where there is one).

import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import Ajv from "ajv";

const here = dirname(fileURLToPath(import.meta.url));
const composeFile = resolve(process.argv[2] ?? join(here, "..", "compose.yaml"));
const base = dirname(composeFile);

let failures = 0;
const fail = (message) => {
  failures++;
  console.error(`FAIL compose: ${message}`);
};
const ok = (message) => console.log(`ok   compose: ${message}`);

function load(file) {
  const document = parseDocument(readFileSync(file, "utf8"), { merge: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new Error(document.errors.map((e) => e.message).join("\n"));
  }
  return document.toJS({ maxAliasCount: 100 });
}

let compose;
try {
  compose = load(composeFile);
} catch (e) {
  fail(`${composeFile} is not YAML: ${e.message}`);
  process.exit(1);
}

// 1. The Compose Specification's schema.
// validateSchema: false: the schema names its meta-schema by an https address ajv does not hold offline.
const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
const validate = ajv.compile(JSON.parse(readFileSync(join(here, "compose-spec.json"), "utf8")));
if (validate(compose)) {
  ok("matches the Compose Specification's schema");
} else {
  for (const error of validate.errors) {
    const extra = error.params?.additionalProperty ? ` (${error.params.additionalProperty})` : "";
    fail(`${error.instancePath || "/"}: ${error.message}${extra}`);
  }
}

const services = compose.services ?? {};

// 2. The services.
const wanted = ["postgres", "postgres-standby", "migrate", "migrate-identity", "db-roles", "ersou-1", "ersou-2", "otel-collector", "jaeger"];
const missing = wanted.filter((name) => !(name in services));
if (missing.length > 0) {
  fail(`services missing: ${missing.join(", ")}`);
} else {
  ok(`services present: ${wanted.join(", ")}`);
}

// 3. The order.
const dependsOn = (name) => {
  const d = services[name]?.depends_on ?? {};
  return Array.isArray(d) ? Object.fromEntries(d.map((n) => [n, { condition: "service_started" }])) : d;
};
for (const [name] of Object.entries(services)) {
  for (const target of Object.keys(dependsOn(name))) {
    if (!(target in services)) fail(`${name} depends on ${target}, which is not a service`);
  }
}
const order = [
  ["postgres-standby", "postgres", "service_healthy"],
  ["migrate", "postgres", "service_healthy"],
  ["migrate", "postgres-standby", "service_healthy"],
  ["migrate-identity", "migrate", "service_completed_successfully"],
  ["db-roles", "migrate-identity", "service_completed_successfully"],
  ["ersou-1", "db-roles", "service_completed_successfully"],
  ["ersou-2", "db-roles", "service_completed_successfully"],
];
const wrongOrder = order.filter(([from, to, condition]) => dependsOn(from)[to]?.condition !== condition);
wrongOrder.forEach(([from, to, condition]) => fail(`${from} must depend on ${to} with condition ${condition}`));
if (wrongOrder.length === 0) ok("start-up order: postgres healthy -> postgres-standby healthy -> migrate -> migrate-identity -> db-roles -> ersou-1, ersou-2");
if (!services.postgres?.healthcheck?.test) fail("postgres has no healthcheck");

const environment = (name) => {
  const e = services[name]?.environment ?? {};
  return Array.isArray(e) ? Object.fromEntries(e.map((s) => [s.split("=")[0], s.slice(s.indexOf("=") + 1)])) : e;
};

// 3b. The standby and the primary's replication settings.
const commandOf = (name) => {
  const c = services[name]?.command ?? [];
  return Array.isArray(c) ? c.map(String) : String(c).split(/\s+/);
};
const settingsOf = (name) => {
  const command = commandOf(name);
  const settings = {};
  command.forEach((part, i) => {
    const text = part === "-c" ? command[i + 1] : part.startsWith("-c") && part.length > 2 ? part.slice(2) : null;
    if (text?.includes("=")) settings[text.slice(0, text.indexOf("="))] = text.slice(text.indexOf("=") + 1);
  });
  return settings;
};
{
  const problems = [];
  const standby = services["postgres-standby"];
  const primary = settingsOf("postgres");
  if (primary.wal_level !== "replica" && primary.wal_level !== "logical") problems.push("postgres: no -c wal_level=replica");
  if (!(Number(primary.max_wal_senders) >= 2)) problems.push("postgres: no -c max_wal_senders of 2 or more");
  if (primary.hot_standby !== "on") problems.push("postgres: no -c hot_standby=on");
  if ("synchronous_standby_names" in primary) {
    problems.push("postgres: synchronous_standby_names on the command line: the first start's CREATE DATABASE would wait for a standby forever (20-replication.sh sets it)");
  }
  const replicationScript = join(base, "compose", "initdb", "20-replication.sh");
  const names = existsSync(replicationScript)
    ? [...readFileSync(replicationScript, "utf8").matchAll(/^ALTER SYSTEM SET synchronous_standby_names = '([^']*)';$/gm)].map((m) => m[1])
    : [];
  if (names.length !== 1) problems.push("compose/initdb/20-replication.sh does not set synchronous_standby_names once");
  if (standby) {
    const env = environment("postgres-standby");
    if (standby.image !== services.postgres?.image) problems.push(`postgres-standby's image ${standby.image} is not the primary's ${services.postgres?.image}`);
    if (!standby.healthcheck?.test) problems.push("postgres-standby has no healthcheck");
    if (env.PRIMARY_HOST !== "postgres") problems.push("postgres-standby: PRIMARY_HOST is not postgres");
    if (names.length === 1 && !names[0].split(/[\s,()]+/).includes(env.STANDBY_NAME)) {
      problems.push(`postgres-standby: STANDBY_NAME ${env.STANDBY_NAME} is not named by the primary's synchronous_standby_names '${names[0]}'`);
    }
    for (const name of ["postgres", "postgres-standby"]) {
      if (!environment(name).ERSOU_REPLICATION_PASSWORD) problems.push(`${name}: no ERSOU_REPLICATION_PASSWORD`);
    }
    const entrypoint = [].concat(standby.entrypoint ?? []).map(String);
    const script = entrypoint.find((part) => part.endsWith(".sh"));
    const mount = (standby.volumes ?? []).map((v) => (typeof v === "string" ? v.split(":") : [v.source, v.target])).find(([, target]) => script?.startsWith(`${target}/`));
    const scriptFile = mount ? resolve(base, mount[0], script.slice(mount[1].length + 1)) : null;
    if (!scriptFile || !existsSync(scriptFile)) {
      problems.push(`postgres-standby: its entrypoint ${entrypoint.join(" ")} is not a script from a mounted folder of deploy/`);
    } else if (!/pg_basebackup\b[^\n]*(--write-recovery-conf|\s-R\b)/.test(readFileSync(scriptFile, "utf8").replace(/\\\n/g, " "))) {
      problems.push(`postgres-standby: ${mount[0]}/${script.slice(mount[1].length + 1)} does not run pg_basebackup --write-recovery-conf`);
    }
    if (commandOf("postgres-standby")[0] !== "postgres") problems.push("postgres-standby: its command does not start postgres");
  }
  problems.forEach((p) => fail(p));
  if (problems.length === 0) {
    ok(`postgres-standby: the primary's image, copied with pg_basebackup -R, named ${environment("postgres-standby").STANDBY_NAME} as in synchronous_standby_names '${names[0]}'; the primary has wal_level=${primary.wal_level}, max_wal_senders=${primary.max_wal_senders}, hot_standby=on`);
  }
}

// 3c. The connection strings: the instances name both servers, the migrations the primary only.
const hostsOf = (name) => (/(?:^|;)Host=([^;]*)/.exec(environment(name).ConnectionStrings__Postgres ?? "")?.[1] ?? "").split(",").filter(Boolean);
{
  const problems = [];
  for (const name of ["ersou-1", "ersou-2"]) {
    const hosts = hostsOf(name);
    if (hosts.join(",") !== "postgres:5432,postgres-standby:5432") problems.push(`${name}: ConnectionStrings__Postgres has Host=${hosts.join(",")}, not postgres:5432,postgres-standby:5432`);
  }
  for (const name of ["migrate", "migrate-identity"]) {
    const hosts = hostsOf(name);
    if (hosts.length !== 1 || !/^postgres(:5432)?$/.test(hosts[0])) problems.push(`${name}: ConnectionStrings__Postgres has Host=${hosts.join(",")}, not the primary (postgres) alone`);
  }
  const roles = environment("db-roles");
  if (roles.PGHOST !== "postgres") problems.push(`db-roles: PGHOST is ${roles.PGHOST}, not the primary (postgres)`);
  problems.forEach((p) => fail(p));
  if (problems.length === 0) ok("connection strings: ersou-1 and ersou-2 Host=postgres:5432,postgres-standby:5432; migrate, migrate-identity and db-roles the primary only");
}

// 4. The instances' settings.
const mountedSecrets = (name) => (services[name]?.secrets ?? []).map((s) => (typeof s === "string" ? `/run/secrets/${s}` : s.target?.startsWith("/") ? s.target : `/run/secrets/${s.target ?? s.source}`));
for (const name of ["ersou-1", "ersou-2", "migrate", "migrate-identity"]) {
  if (!(name in services)) continue;
  const env = environment(name);
  const problems = [];
  if (env.ASPNETCORE_ENVIRONMENT !== "Production") problems.push("ASPNETCORE_ENVIRONMENT is not Production");
  if (String(env.Storage__ApplySchemaOnStartup) !== "false") problems.push("Storage__ApplySchemaOnStartup is not false");
  if (!env.ConnectionStrings__Postgres) problems.push("no ConnectionStrings__Postgres");
  for (const key of ["Identity__SigningCertificatePath", "Identity__EncryptionCertificatePath"]) {
    if (!mountedSecrets(name).includes(env[key])) problems.push(`${key}=${env[key]} is not a secret this service mounts`);
  }
  if (name.startsWith("ersou-") && !env.OTEL_EXPORTER_OTLP_ENDPOINT) problems.push("no OTEL_EXPORTER_OTLP_ENDPOINT");
  if (name.startsWith("ersou-") && /Username=(postgres|ersou_migrator);/.test(env.ConnectionStrings__Postgres ?? "")) {
    problems.push("the service must not sign in as the schema owner or a superuser");
  }
  if (name.startsWith("ersou-") && !/^https:\/\//.test(env.Identity__Issuer ?? "")) {
    problems.push("no https Identity__Issuer: a token from one instance would be refused by the other");
  }
  problems.forEach((p) => fail(`${name}: ${p}`));
  if (problems.length === 0) ok(`${name}: Production, no schema changes at start-up, certificates from mounted secrets${name.startsWith("ersou-") ? ", OTLP endpoint, an https issuer" : ""}`);
}
if (environment("ersou-1").Identity__Issuer !== environment("ersou-2").Identity__Issuer) {
  fail("ersou-1 and ersou-2 name different Identity__Issuer values: each would refuse the other's tokens");
}

// 5. Ports, secrets and bind mounts.
let portProblems = 0;
for (const [name, service] of Object.entries(services)) {
  for (const port of service.ports ?? []) {
    const text = typeof port === "object" ? `${port.host_ip ?? ""}:${port.published ?? ""}:${port.target}` : String(port);
    if (!text.startsWith("127.0.0.1:")) {
      fail(`${name} publishes ${text} beyond 127.0.0.1`);
      portProblems++;
    }
  }
  for (const secret of service.secrets ?? []) {
    const source = typeof secret === "string" ? secret : secret.source;
    if (!compose.secrets?.[source]) fail(`${name} uses secret ${source}, which is not defined`);
  }
  for (const volume of service.volumes ?? []) {
    const source = typeof volume === "string" ? volume.split(":")[0] : volume.source;
    if (source?.startsWith(".") && !existsSync(resolve(base, source))) fail(`${name} mounts ${source}, which does not exist`);
  }
}
if (portProblems === 0) ok("every published port is bound to 127.0.0.1");
for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
  if (!secret.file?.startsWith("./secrets/")) fail(`secret ${name} is not a file under ./secrets/ (${secret.file ?? secret.environment})`);
}
const ignored = existsSync(join(base, ".gitignore")) && readFileSync(join(base, ".gitignore"), "utf8").split("\n").includes("/secrets/");
if (!ignored) fail("deploy/.gitignore does not ignore /secrets/");
else ok("secrets are files under ./secrets/, which git ignores");

// 6. The collector's pipelines.
const collectorFile = join(base, "otel-collector.yaml");
try {
  const collector = load(collectorFile);
  const problems = [];
  for (const [pipeline, parts] of Object.entries(collector.service?.pipelines ?? {})) {
    for (const kind of ["receivers", "processors", "exporters"]) {
      for (const component of parts[kind] ?? []) {
        if (!(collector[kind] && component in collector[kind])) problems.push(`pipeline ${pipeline} uses ${kind.slice(0, -1)} ${component}, which is not defined`);
      }
    }
  }
  for (const extension of collector.service?.extensions ?? []) {
    if (!(collector.extensions && extension in collector.extensions)) problems.push(`extension ${extension} is not defined`);
  }
  if (!collector.service?.pipelines?.traces) problems.push("no traces pipeline");
  problems.forEach((p) => fail(`otel-collector.yaml: ${p}`));
  if (problems.length === 0) ok(`otel-collector.yaml: pipelines ${Object.keys(collector.service.pipelines).join(", ")} use only defined components`);
} catch (e) {
  fail(`otel-collector.yaml: ${e.message}`);
}

console.log(`compose: ${Object.keys(services).length} services checked in ${composeFile}: ${failures === 0 ? "no problems" : `${failures} problem(s)`}`);
process.exit(failures === 0 ? 0 : 1);
