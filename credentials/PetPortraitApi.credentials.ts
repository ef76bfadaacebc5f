import type { IAuthenticate, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { withCredentialHeader } from '../nodes/shared/n8n/headerAuth.ts';

export class PetPortraitApi implements ICredentialType {
	name = 'petPortraitApi';

	displayName = 'Pet Portrait API';

	icon: Icon = { light: 'file:../icons/petPortrait.svg', dark: 'file:../icons/petPortrait.dark.svg' };

	documentationUrl = 'https://github.com/genflows/n8n-nodes-genflows#pet-portrait-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:3000',
			placeholder: 'http://localhost:3000',
			description: "The Pet Portrait server's root address (it answers /api/health), without /api",
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Header (Server Behind an Authenticating Proxy)',
					value: 'header',
					description: 'Send a header of your choice with every request to the server (and its WebSocket)',
				},
				{ name: 'None', value: 'none', description: 'The Pet Portrait server itself asks for no authentication' },
			],
			default: 'none',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Authorization',
			description: 'The header the proxy in front of the server checks',
			required: true,
			displayOptions: { show: { authentication: ['header'] } },
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'e.g. Bearer 1234abcd',
			description: 'Sent only to this server: on every API request, image download and WebSocket connection',
			required: true,
			displayOptions: { show: { authentication: ['header'] } },
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be verified (self-signed certificates)',
		},
	];

	// No header unless Authentication is Header; nodes add the same header to the WebSocket themselves.
	authenticate: IAuthenticate = withCredentialHeader;

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/health',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}
