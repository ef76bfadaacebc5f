// The n8n owner account, provisioned by n8n itself from environment variables at every start
// (n8n 2.41.1: N8N_INSTANCE_OWNER_MANAGED_BY_ENV with N8N_INSTANCE_OWNER_EMAIL and a bcrypt
// N8N_INSTANCE_OWNER_PASSWORD_HASH; read in n8n's instance-settings-loader). So the printed login
// always works, also after the user changed things, and no sign-up page comes first.
import { createRequire } from 'node:module';

interface Bcrypt {
	hashSync(password: string, rounds: number): string;
}

/** `n8nEntry` is n8n's bin file: its install has bcryptjs, the library n8n checks passwords with. */
export function ownerEnvironment(owner: { email: string; password: string }, n8nEntry: string): Record<string, string> {
	const bcrypt = createRequire(n8nEntry)('bcryptjs') as Bcrypt;
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Genflows',
		N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
	};
}
