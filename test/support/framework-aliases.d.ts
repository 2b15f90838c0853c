// The tests install each framework major under an alias (express4, express5, koa2, koa3) to run the
// same suite against all of them; the types of the current major describe both well enough here.
declare module 'express4' {
  export { default } from 'express';
}
declare module 'express5' {
  export { default } from 'express';
}
declare module 'koa2' {
  export { default } from 'koa';
}
declare module 'koa3' {
  export { default } from 'koa';
}
declare module 'fastify4' {
  export { default } from 'fastify';
}
