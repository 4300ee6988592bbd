// Payer fields of the spec's example payer, shared by the tests that create or update payers.
export const payerFields = {
  firstName: 'Peter',
  lastName: 'Pan',
  email: 'peter.pan@example.com',
  areaCode: 852,
  address: 'Hong Kong',
  city: 'Hong Kong',
  province: 'Hong Kong',
  postcode: '95001',
  country: 'China',
};
