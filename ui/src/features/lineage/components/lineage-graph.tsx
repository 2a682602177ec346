import type { KeyboardEvent } from "react";
import type { LineageGraph } from "../api/get-lineage";
import { layeredLayout, NODE_HEIGHT, NODE_WIDTH } from "./layered-layout";
import { nodeRef, TYPE_LABEL } from "./node-links";

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/**
 * The graph drawn by hand in SVG: columns left to right in the order things
 * were made. A node with a reference is a button that re-centres the graph on it.
 */
export function LineageGraphView(props: {
  graph: LineageGraph;
  onRecentre: (ref: string) => void;
}) {
  const layout = layeredLayout(props.graph.nodes, props.graph.edges);
  const press = (ref: string) => (e: KeyboardEvent) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      props.onRecentre(ref);
    }
  };
  return (
    <figure className="graph-scroll" aria-label="Lineage graph">
      <svg
        className="lineage-graph"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
      >
        <title>Lineage graph</title>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#4b5563" />
          </marker>
        </defs>
        {props.graph.edges.map((e) => {
          const a = layout.byId.get(e.from);
          const b = layout.byId.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + NODE_WIDTH;
          const y1 = a.y + NODE_HEIGHT / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_HEIGHT / 2;
          const mid = (x1 + x2) / 2;
          return (
            <g key={`${e.from}>${e.to}>${e.kind}`} className="edge" data-kind={e.kind}>
              <path
                d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                markerEnd="url(#arrow)"
              />
              <text x={mid} y={(y1 + y2) / 2 - 4} textAnchor="middle">
                {e.kind}
              </text>
            </g>
          );
        })}
        {layout.nodes.map((n) => {
          const ref = nodeRef(n);
          const root = n.id === props.graph.root;
          const body = (
            <>
              <rect
                width={NODE_WIDTH}
                height={NODE_HEIGHT}
                rx="6"
                className={`node-box node-${n.type}${root ? " node-root" : ""}`}
              />
              <text x="10" y="18" className="node-type">
                {TYPE_LABEL[n.type]}
                {root ? " · this" : ""}
              </text>
              <text x="10" y="36" className="node-label">
                {clip(n.label, 32)}
              </text>
              <title>{n.label}</title>
            </>
          );
          return (
            <g
              key={n.id}
              transform={`translate(${n.x},${n.y})`}
              className={ref && !root ? "node clickable" : "node"}
              data-node={n.id}
              {...(ref && !root
                ? {
                    role: "button",
                    tabIndex: 0,
                    "aria-label": `Centre on ${TYPE_LABEL[n.type]} ${n.label}`,
                    onClick: () => props.onRecentre(ref),
                    onKeyDown: press(ref),
                  }
                : {})}
            >
              {body}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
