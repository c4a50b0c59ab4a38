import { CountyList } from '#schemas/api';
import { defineRoute } from './route.ts';

export const getCounties = defineRoute({
  method: 'GET',
  path: '/counties',
  functionId: 'GetCounties',
  operationId: 'listCounties',
  summary: '县与乡镇（表单用）/ counties and their towns, for the form',
  tag: 'catalog',
  access: { roles: ['coordinator', 'liaison', 'team'] },
  responses: { 200: { description: '各县及其乡镇 / the counties with their towns', schema: CountyList } },
});
