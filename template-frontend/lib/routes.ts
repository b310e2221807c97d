import { API_PREFIX, BASE_PATH } from "./service";

/**
 * Where the browser reaches the backend: same origin, under the backend's prefix. Behind the
 * platform's router that path goes to the backend; when this app runs alone, its own route
 * handler at that path forwards to BACKEND_URL.
 */
export const BROWSER_API_PATH = `${BASE_PATH}${API_PREFIX}`;
