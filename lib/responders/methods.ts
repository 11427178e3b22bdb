// The methods a responder may answer: plain data, so the console's form can list them without zod.
export const httpMethods = [
  'ANY',
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'CONNECT',
  'TRACE',
  'PATCH',
] as const;
