import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class InvokeAiApi implements ICredentialType {
	name = 'invokeAiApi';

	displayName = 'InvokeAI API';

	icon: Icon = { light: 'file:../icons/invokeai.svg', dark: 'file:../icons/invokeai.dark.svg' };

	documentationUrl = 'https://github.com/genflows/n8n-nodes-genflows#invokeai-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:9090',
			placeholder: 'http://localhost:9090',
			description: "The InvokeAI server's root address (the one its web UI opens at), without /api",
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Access Token',
					value: 'token',
					description: 'Multi-user server (InvokeAI 6.12+): a token of an account, sent as a Bearer token',
				},
				{
					name: 'Email and Password',
					value: 'password',
					description: 'Multi-user server (InvokeAI 6.12+): the nodes log in as this account and renew the token themselves',
				},
				{ name: 'None', value: 'none', description: 'Single-user server (the default InvokeAI setup)' },
			],
			default: 'none',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Sent only to this server: on every API request, image download and Socket.IO connection',
			displayOptions: { show: { authentication: ['token'] } },
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be verified (self-signed certificates)',
		},
	];

	// No `authenticate`: the InvokeAI module adds the Bearer token itself (logging in first for an
	// email and password), to API requests, image downloads and the Socket.IO handshake alike, so
	// n8n's transport adds no header of its own that could conflict with it.

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/app/version',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}
