/* placeholder: npm run build:widget */
