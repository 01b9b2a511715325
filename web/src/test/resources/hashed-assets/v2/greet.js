export const greet = () => 'hello again';
