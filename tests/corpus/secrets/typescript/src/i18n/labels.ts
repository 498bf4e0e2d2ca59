// UI strings for the auth screens. Nothing here is a credential.
export const en = {
  login: {
    title: 'Sign in',
    username: 'Username',
    password: 'Password',
    passwordPlaceholder: 'Enter your password',
    forgotPassword: 'Forgot password?',
    submit: 'Sign in',
  },
  settings: {
    apiKey: 'API key',
    apiKeyHelp: 'Paste the key from Settings → Developers, e.g. <your-api-key>',
    secretToken: 'Secret token',
    regenerate: 'Regenerate token',
    tokenPlaceholder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    newPassword: 'New password',
    confirmPassword: 'Confirm password',
  },
  errors: {
    invalidPassword: 'The password you entered is incorrect.',
    tokenExpired: 'Your session token has expired. Please sign in again.',
    weakPassword: 'Password must be at least 12 characters.',
  },
};

export const passwordInputProps = { type: 'password', autoComplete: 'current-password', name: 'password' } as const;

export const SECRET_FIELD_NAMES = ['password', 'secret', 'token', 'apiKey', 'client_secret'];
