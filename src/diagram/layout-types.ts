// What a laid-out diagram is: boxes, edges with their points and labels, domain outlines.
// No elkjs types here (layout.ts says why).
import type { DEdge, DGroup, DiagramGraph, DNode } from './graph.js';

export interface Point {
  x: number;
  y: number;
}
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface PlacedNode {
  node: DNode;
  box: Box;
  depth: number;
  parent?: string;
}
export interface PlacedLabel {
  text: string;
  at: 'tail' | 'head' | 'center';
  box: Box;
}
export interface PlacedEdge {
  edge: DEdge;
  points: Point[];
  labels: PlacedLabel[];
}
export interface PlacedGroup {
  group: DGroup;
  /** Index into the domain palette. */
  color: number;
  rects: Box[];
  paths: Point[][];
}
export interface Layout {
  graph: DiagramGraph;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  groups: PlacedGroup[];
}

