// A signed-in session: the key and its namespace, and the one way the views call the API. A 401 anywhere (the
// key was revoked) ends the session.
import { type ApiResult, api, KeyRefused } from './api.ts';

export interface Session {
  namespace: string;
  call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>>;
}

export function session(key: string, namespace: string, onKeyRefused: () => void): Session {
  return {
    namespace,
    call: async (method, path, body) => {
      try {
        return await api(key, method, path, body);
      } catch (error) {
        if (error instanceof KeyRefused) onKeyRefused();
        throw error;
      }
    },
  };
}
