export function EntityPage({ kind, entityKey }) {
  return <h1>{kind} {entityKey}</h1>;
}
