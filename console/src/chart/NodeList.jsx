import { describe, nodeName } from './nodes.js';

/**
 * The link chart as a list that a keyboard and a screen reader can walk: each node a button named
 * exactly by its label, described by its kind, forces, handling code and hidden links. Enter or a
 * click selects it; Shift adds it to the selection.
 */
export function NodeList({ graph, hidden, selected, path, onPick }) {
  return (
    <ul class="node-list" aria-label="Nodes of the chart">
      {[...graph.nodes.values()].map((node) => {
        const more = hidden.get(node.id) ?? 0;
        const onPath = path?.nodes.has(node.id) ?? false;
        const descriptionId = `about-${node.id}`;
        return (
          <li key={node.id} class={node.withheld ? 'withheld' : node.kind.toLowerCase()}>
            <button
              type="button"
              aria-pressed={selected.includes(node.id) ? 'true' : 'false'}
              aria-current={onPath ? 'true' : undefined}
              aria-describedby={descriptionId}
              onClick={(event) => onPick(node.id, event.shiftKey)}
            >{nodeName(node)}</button>
            {more > 0 && <span class="more" aria-hidden="true">+{more} more</span>}
            <span id={descriptionId} class="about">{describe(node, more, onPath)}</span>
          </li>
        );
      })}
    </ul>
  );
}
