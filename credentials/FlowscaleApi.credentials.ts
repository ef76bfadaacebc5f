import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class FlowscaleApi implements ICredentialType {
	name = 'flowscaleApi';

	displayName = 'Flowscale API';

	icon: Icon = { light: 'file:../icons/flowscale.svg', dark: 'file:../icons/flowscale.dark.svg' };

	documentationUrl = 'https://github.com/genflows/n8n-nodes-genflows#flowscale-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Deployment URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://my-deployment.pod.flowscale.ai',
			description: 'The API URL of the Flowscale deployment, without /api',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The deployment's API key, sent as the X-API-KEY header",
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be verified (self-signed certificates)',
		},
	];

	// Every API request carries the key. Pre-signed download links go out without it (n8nPlainTransport).
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-API-KEY': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/comfy/health',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}
