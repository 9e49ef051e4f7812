// Typed readers for tf node attributes as model.json stores them (strings base64, ints as strings).
import type { TfNode } from './tfjsModel.js';

const decodeBase64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

export function stringAttr(node: TfNode, key: string, fallback: string): string {
  const s = node.attr?.[key]?.s;
  return s === undefined ? fallback : decodeBase64(s);
}

export function intListAttr(node: TfNode, key: string): number[] | undefined {
  return node.attr?.[key]?.list?.i;
}

export function stringListAttr(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map(decodeBase64);
}

export function boolAttr(node: TfNode, key: string, fallback: boolean): boolean {
  return node.attr?.[key]?.b ?? fallback;
}

export function floatAttr(node: TfNode, key: string, fallback: number): number {
  return node.attr?.[key]?.f ?? fallback;
}

/** Placeholder shape; -1 marks an unknown dimension. */
export function shapeAttr(node: TfNode, key: string): number[] | undefined {
  return node.attr?.[key]?.shape?.dim?.map((d) => d.size);
}

/** Data inputs of a node: control dependencies ('^name') dropped, the ':0' output suffix removed. */
export function dataInputs(node: TfNode): string[] {
  return (node.input ?? []).filter((i) => !i.startsWith('^')).map((i) => i.replace(/:0$/, ''));
}
