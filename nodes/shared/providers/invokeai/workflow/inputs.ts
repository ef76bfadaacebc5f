// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// The inputs a workflow offers, as InvokeAI's UI shows them in its form (the "linear view"): the
// form builder's tree walked depth-first from its root, or, for a workflow without a form (made
// before 5.7), its `exposedFields` in order (`validateWorkflow.ts`). Fields whose node or input is
// gone are left out, as the UI leaves them out.
import { InputError } from '../../../core/errors.ts';
import type { FieldType, InputFieldTemplate, InputKind, NodeTemplates } from './templates.ts';
import { startCase } from './templates.ts';
import type { FieldIdentifier, InvocationNode, Workflow, WorkflowForm } from './workflowSchema.ts';
import { isInvocationNode, isRecord } from './workflowSchema.ts';

/** How the form shows a field (`settings` of a node-field element); nothing here is enforced by the server. */
export interface FormFieldSettings {
	type?: string;
	/** `input`, `textarea`, `dropdown`, `number-input`, `slider` … */
	component?: string;
	min?: number;
	max?: number;
	/** A dropdown's choices. */
	options?: Array<{ label: string; value: string }>;
	[key: string]: unknown;
}

export interface WorkflowInput {
	/** 1-based place in the form; 0 for a node input addressed as `<node id>.<field>` that the form does not show. */
	position: number;
	/** The name to set it by: the input's own label, else its title ("Prompt"), made unique with the node's name. */
	label: string;
	nodeId: string;
	fieldName: string;
	nodeType: string;
	/** The node's label, else its template's title ("Main Model - FLUX"), else its type. */
	nodeLabel: string;
	/** The label before it was made unique. */
	fieldLabel: string;
	/** From the server's template; `{kind: 'other', name: 'Unknown'}` when the server does not know the node or field. */
	type: FieldType;
	template?: InputFieldTemplate;
	/** The workflow's current value; undefined when it has none. */
	value: unknown;
	/** The input's own description, else the template's. */
	description: string;
	required: boolean;
	nullable: boolean;
	input: InputKind;
	/** An edge feeds it, so a value given here would never be used. */
	connected: boolean;
	settings?: FormFieldSettings;
}

const UNKNOWN_TYPE: FieldType = { kind: 'other', name: 'Unknown' };

/** The workflow's inputs in the order its form shows them, each with a unique label. */
export function discoverInputs(workflow: Workflow, templates: NodeTemplates): WorkflowInput[] {
	const nodes = invocationNodesById(workflow);
	const seen = new Set<string>();
	const inputs: WorkflowInput[] = [];
	for (const field of shownFields(workflow, templates)) {
		const key = `${field.nodeId}.${field.fieldName}`;
		const node = nodes.get(field.nodeId);
		if (seen.has(key) || !node || !(field.fieldName in node.data.inputs)) continue;
		seen.add(key);
		inputs.push(describeField(workflow, templates, node, field.fieldName, inputs.length + 1, field.settings));
	}
	return uniqueLabels(inputs);
}

interface ShownField extends FieldIdentifier {
	settings?: FormFieldSettings;
}

/** The form's node fields depth-first from the root; the exposed fields when the form is empty or missing. */
function shownFields(workflow: Workflow, templates: NodeTemplates): ShownField[] {
	const form = workflow.form;
	if (form && !isFormEmpty(form)) return formFields(form);
	// The UI builds a form from exposedFields only for fields whose template it has.
	const nodes = invocationNodesById(workflow);
	return workflow.exposedFields.filter(({ nodeId, fieldName }) => {
		const node = nodes.get(nodeId);
		return node !== undefined && templates.get(node.data.type)?.inputs[fieldName] !== undefined;
	});
}

/** The UI's `getIsFormEmpty`: no root container, or the root alone without children. */
export function isFormEmpty(form: WorkflowForm): boolean {
	const root = form.elements[form.rootElementId];
	if (!root || root.type !== 'container') return true;
	return Object.keys(form.elements).length === 1 && childrenOf(root.data).length === 0;
}

function formFields(form: WorkflowForm): ShownField[] {
	const fields: ShownField[] = [];
	const visited = new Set<string>();
	const visit = (id: string): void => {
		const element = form.elements[id];
		if (!element || visited.has(id)) return;
		visited.add(id);
		if (element.type === 'container') {
			childrenOf(element.data).forEach(visit);
		} else if (element.type === 'node-field' && isRecord(element.data) && isRecord(element.data.fieldIdentifier)) {
			const { nodeId, fieldName } = element.data.fieldIdentifier;
			if (typeof nodeId !== 'string' || typeof fieldName !== 'string') return;
			const settings = isRecord(element.data.settings) ? (element.data.settings as FormFieldSettings) : undefined;
			fields.push({ nodeId, fieldName, ...(settings ? { settings } : {}) });
		}
	};
	visit(form.rootElementId);
	return fields;
}

function childrenOf(data: unknown): string[] {
	if (!isRecord(data) || !Array.isArray(data.children)) return [];
	return data.children.filter((child): child is string => typeof child === 'string');
}

function invocationNodesById(workflow: Workflow): Map<string, InvocationNode> {
	return new Map(workflow.nodes.filter(isInvocationNode).map((node) => [node.id, node]));
}

/** The name a node goes by: its label, its template's title, or its type. */
export function nodeDisplayName(node: InvocationNode, templates: NodeTemplates): string {
	return node.data.label?.trim() || templates.get(node.data.type)?.title || node.data.type;
}

function describeField(
	workflow: Workflow,
	templates: NodeTemplates,
	node: InvocationNode,
	fieldName: string,
	position: number,
	settings?: FormFieldSettings,
): WorkflowInput {
	const instance = node.data.inputs[fieldName];
	const template = templates.get(node.data.type)?.inputs[fieldName];
	const fieldLabel = instance?.label?.trim() || template?.title || startCase(fieldName);
	return {
		position,
		label: fieldLabel,
		nodeId: node.id,
		fieldName,
		nodeType: node.data.type,
		nodeLabel: nodeDisplayName(node, templates),
		fieldLabel,
		type: template?.type ?? UNKNOWN_TYPE,
		...(template ? { template } : {}),
		value: instance?.value,
		description: instance?.description?.trim() || template?.description || '',
		required: template?.required ?? false,
		nullable: template?.nullable ?? true,
		input: template?.input ?? 'any',
		connected: workflow.edges.some((edge) => edge.type === 'default' && edge.target === node.id && edge.targetHandle === fieldName),
		...(settings ? { settings } : {}),
	};
}

/**
 * Labels that would clash (ignoring case) get the node's name: two "Prompt"s become
 * "Prompt (Positive Prompt)" and "Prompt (Negative Prompt)". Any still alike are numbered.
 */
function uniqueLabels(inputs: WorkflowInput[]): WorkflowInput[] {
	const clashing = (list: WorkflowInput[]): Set<string> => {
		const counts = new Map<string, number>();
		for (const input of list) counts.set(input.label.toLowerCase(), (counts.get(input.label.toLowerCase()) ?? 0) + 1);
		return new Set([...counts].filter(([, count]) => count > 1).map(([label]) => label));
	};
	const first = clashing(inputs);
	const named = inputs.map((input) => (first.has(input.label.toLowerCase()) ? { ...input, label: `${input.label} (${input.nodeLabel})` } : input));
	const second = clashing(named);
	const counters = new Map<string, number>();
	return named.map((input) => {
		const key = input.label.toLowerCase();
		if (!second.has(key)) return input;
		const count = (counters.get(key) ?? 0) + 1;
		counters.set(key, count);
		return { ...input, label: `${input.label} #${count}` };
	});
}

/**
 * The input a user means by `name`: a label (any case), or `<node id>.<field>`, which reaches any
 * input of any node even when the form does not show it. Undefined when nothing matches.
 */
export function findInput(inputs: WorkflowInput[], name: string, workflow: Workflow, templates: NodeTemplates): WorkflowInput | undefined {
	const wanted = name.trim();
	const byLabel = inputs.find((input) => input.label.toLowerCase() === wanted.toLowerCase());
	if (byLabel) return byLabel;
	const dot = wanted.lastIndexOf('.');
	if (dot <= 0) return undefined;
	const nodeId = wanted.slice(0, dot);
	const fieldName = wanted.slice(dot + 1);
	const shown = inputs.find((input) => input.nodeId === nodeId && input.fieldName === fieldName);
	if (shown) return shown;
	const node = invocationNodesById(workflow).get(nodeId);
	if (!node) return undefined;
	if (!(fieldName in node.data.inputs) && !templates.get(node.data.type)?.inputs[fieldName]) return undefined;
	const input = describeField(workflow, templates, node, fieldName, 0);
	return { ...input, label: `${nodeId}.${fieldName}` };
}

/** `findInput`, or an InputError on `inputs.<name>` that lists the inputs there are. */
export function requireInput(inputs: WorkflowInput[], name: string, workflow: Workflow, templates: NodeTemplates): WorkflowInput {
	const found = findInput(inputs, name, workflow, templates);
	if (found) return found;
	const listed = inputs.length > 0 ? `Its inputs: ${inputs.map((input) => `"${input.label}"`).join(', ')}.` : 'Its form shows no inputs.';
	throw new InputError(
		`inputs.${name.trim()}`,
		`The workflow has no input "${name.trim()}". ${listed}`,
		'Set an input by its label, or any node input as <node id>.<field name>.',
	);
}
