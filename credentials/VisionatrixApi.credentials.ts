import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class VisionatrixApi implements ICredentialType {
	name = 'visionatrixApi';

	displayName = 'Visionatrix API';

	icon: Icon = { light: 'file:../icons/visionatrix.svg', dark: 'file:../icons/visionatrix.dark.svg' };

	documentationUrl = 'https://visionatrix.github.io/VixFlowsDocs/';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8288',
			placeholder: 'http://gpu-box.lan:8288',
			description: 'Address of the Visionatrix server, without /vapi.',
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'None', value: 'none', description: 'The server runs without VIX_AUTH' },
				{ name: 'Basic Auth', value: 'basicAuth', description: 'The server runs with VIX_AUTH=1' },
			],
			default: 'none',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { authentication: ['basicAuth'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['basicAuth'] } },
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be verified (self-signed certificates)',
		},
	];

	// Visionatrix has no tokens: with VIX_AUTH=1 every request carries HTTP Basic credentials.
	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		if (credentials.authentication !== 'basicAuth') return requestOptions;
		return {
			...requestOptions,
			auth: { username: String(credentials.user ?? ''), password: String(credentials.password ?? '') },
		};
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/vapi/other/whoami',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}
